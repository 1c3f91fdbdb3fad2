import { ferretdb } from './ferretdb.js';
import { kafka } from './kafka.js';
import { registry } from './registry.js';
import type { Service } from './service.js';

export const SERVICES: readonly Service[] = [kafka, registry, ferretdb];
