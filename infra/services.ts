import type { ServiceName, StackConfig } from './config.js';
import { ferretdb } from './ferretdb.js';
import { kafkaServices } from './kafka.js';
import { registry } from './registry.js';
import type { Service } from './service.js';

/** Every server of the stack for this config: one per Kafka broker, the registry, FerretDB. */
export function stackServices(cfg: StackConfig, kinds?: readonly ServiceName[]): Service[] {
  const all = [...kafkaServices(cfg), registry, ferretdb];
  return kinds === undefined ? all : all.filter((s) => kinds.includes(s.kind));
}
