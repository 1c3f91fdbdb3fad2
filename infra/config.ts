import { readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { STACK_PORT_DEFAULTS } from '@herald/config';
import { StackError } from './stack-error.js';

/** Kafka run when KAFKA_VERSION is not set: the newest 4.x that resolves from Maven Central. */
export const DEFAULT_KAFKA_VERSION = '4.4.0';
/** The tested 3.x option (KAFKA_VERSION=3.9.2). */
export const KAFKA_3_VERSION = '3.9.2';
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
  /** Apache Kafka release (KAFKA_VERSION); its jars are cached per version. */
  kafkaVersion: string;
  /** Number of brokers (`up --brokers N`, KAFKA_BROKER_COUNT, else what this data dir last ran, else 1). */
  kafkaBrokers: number;
  /** Client port of broker 0; broker i listens on kafkaPort + i. */
  kafkaPort: number;
  /** Controller port of broker 0; broker i's is kafkaControllerPort + i (default: kafkaPort + kafkaBrokers). */
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

export const MAX_KAFKA_BROKERS = 9;

function brokerCount(raw: string, from: string): number {
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 1 || n > MAX_KAFKA_BROKERS) throw new StackError(`${from}=${raw}: the broker count must be 1 to ${MAX_KAFKA_BROKERS}`);
  return n;
}

function kafkaVersion(env: NodeJS.ProcessEnv): string {
  const v = env['KAFKA_VERSION'] || DEFAULT_KAFKA_VERSION;
  const major = Number(/^(\d+)\.\d+\.\d+$/.exec(v)?.[1]);
  if (!(major >= 3)) throw new StackError(`KAFKA_VERSION=${v}: expected a Kafka release such as ${DEFAULT_KAFKA_VERSION} or ${KAFKA_3_VERSION}`);
  return v;
}

/** Where `up` records the broker count, so `status`, `logs`, `down` and a later `up` find the same brokers. */
export const brokerCountFile = (dataDir: string): string => join(dataDir, 'kafka-brokers');

function recordedBrokers(dataDir: string): number | undefined {
  let raw: string;
  try {
    raw = readFileSync(brokerCountFile(dataDir), 'utf8').trim();
  } catch {
    return undefined;
  }
  const n = Number(raw);
  return Number.isInteger(n) && n >= 1 && n <= MAX_KAFKA_BROKERS ? n : undefined;
}

export interface ConfigOverrides {
  /** `--brokers N`: wins over KAFKA_BROKER_COUNT and the recorded count. */
  kafkaBrokers?: number;
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env, overrides: ConfigOverrides = {}): StackConfig {
  const cacheDir = resolve(env['HERALD_CACHE_DIR'] || join(homedir(), '.cache', 'herald'));
  const dataDir = resolve(env['HERALD_DATA_DIR'] || join(cacheDir, 'data'));
  const envBrokers = env['KAFKA_BROKER_COUNT'];
  const kafkaBrokers =
    overrides.kafkaBrokers !== undefined
      ? brokerCount(String(overrides.kafkaBrokers), '--brokers')
      : envBrokers
        ? brokerCount(envBrokers, 'KAFKA_BROKER_COUNT')
        : (recordedBrokers(dataDir) ?? 1);
  // The same defaults as the addresses services and `herald emit` derive from these variables.
  const kafkaPort = port(env, 'KAFKA_PORT', STACK_PORT_DEFAULTS.KAFKA_PORT);
  const kafkaControllerPort = port(env, 'KAFKA_CONTROLLER_PORT', kafkaPort + kafkaBrokers);
  checkKafkaPorts(kafkaPort, kafkaControllerPort, kafkaBrokers);
  return {
    infraDir: dirname(fileURLToPath(import.meta.url)),
    cacheDir,
    dataDir,
    logDir: join(dataDir, 'logs'),
    kafkaVersion: kafkaVersion(env),
    kafkaBrokers,
    kafkaPort,
    kafkaControllerPort,
    registryPort: port(env, 'REGISTRY_PORT', STACK_PORT_DEFAULTS.REGISTRY_PORT),
    registryManagementPort: port(env, 'REGISTRY_MANAGEMENT_PORT', 9081),
    mongoPort: port(env, 'MONGO_PORT', STACK_PORT_DEFAULTS.MONGO_PORT),
  };
}

/** Client ports kafkaPort… and controller ports kafkaControllerPort… must fit and must not overlap. */
function checkKafkaPorts(client: number, controller: number, brokers: number): void {
  const last = Math.max(client, controller) + brokers - 1;
  if (last > 65535) throw new StackError(`Kafka ports for ${brokers} brokers run past 65535 (KAFKA_PORT=${client}, KAFKA_CONTROLLER_PORT=${controller})`);
  if (client < controller + brokers && controller < client + brokers) {
    throw new StackError(
      `KAFKA_CONTROLLER_PORT=${controller}: controller ports ${controller}-${controller + brokers - 1} overlap the client ports ${client}-${client + brokers - 1}`,
    );
  }
}

export const seconds = (sinceMs: number): string => `${((Date.now() - sinceMs) / 1000).toFixed(1)}s`;
