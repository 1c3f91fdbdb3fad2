import { homedir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { StackError } from './stack-error.js';

export const KAFKA_VERSION = '3.9.2';
export const APICURIO_VERSION = '3.3.3';
export const FERRETDB_VERSION = 'v1.24.2'; // for messages only: ferretdb/go.mod pins it

export type ServiceName = 'kafka' | 'registry' | 'ferretdb';
export const SERVICE_NAMES: readonly ServiceName[] = ['kafka', 'registry', 'ferretdb'];

export type Report = (line: string) => void;
export const reportToStderr: Report = (line) => process.stderr.write(`${line}\n`);

export interface StackConfig {
  /** This folder: holds the Kafka pom and the FerretDB Go sources. */
  infraDir: string;
  /** Downloads and builds; survives `down --clean`. */
  cacheDir: string;
  /** Server state, pid files and server logs; `down --clean` deletes it. */
  dataDir: string;
  logDir: string;
  kafkaPort: number;
  kafkaControllerPort: number;
  registryPort: number;
  registryManagementPort: number;
  mongoPort: number;
}

function port(env: NodeJS.ProcessEnv, name: string, fallback: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 1 || n > 65535) throw new StackError(`${name}=${raw} is not a TCP port`);
  return n;
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): StackConfig {
  const cacheDir = resolve(env['HERALD_CACHE_DIR'] || join(homedir(), '.cache', 'herald'));
  const dataDir = resolve(env['HERALD_DATA_DIR'] || join(cacheDir, 'data'));
  return {
    infraDir: dirname(fileURLToPath(import.meta.url)),
    cacheDir,
    dataDir,
    logDir: join(dataDir, 'logs'),
    kafkaPort: port(env, 'KAFKA_PORT', 9092),
    kafkaControllerPort: port(env, 'KAFKA_CONTROLLER_PORT', 9093),
    registryPort: port(env, 'REGISTRY_PORT', 8081),
    registryManagementPort: port(env, 'REGISTRY_MANAGEMENT_PORT', 9081),
    mongoPort: port(env, 'MONGO_PORT', 27017),
  };
}

export const seconds = (sinceMs: number): string => `${((Date.now() - sinceMs) / 1000).toFixed(1)}s`;
