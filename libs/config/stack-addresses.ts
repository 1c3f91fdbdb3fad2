import { int, list, parseConfig, str, url, type Reader } from './config.js';

/** The local stack's ports (infra/ starts Kafka, the schema registry and FerretDB on them). */
export const STACK_PORT_DEFAULTS = { KAFKA_PORT: 9092, REGISTRY_PORT: 8081, MONGO_PORT: 27017 } as const;

export type StackPortName = keyof typeof STACK_PORT_DEFAULTS;


/** Loopback addresses of the local stack listening on these ports. */
export const localStackAddress = {
  kafkaBrokers: (kafkaPort: number): string[] => [`127.0.0.1:${kafkaPort}`],
  schemaRegistryUrl: (registryPort: number): string => `http://127.0.0.1:${registryPort}/apis/ccompat/v7`,
  // The local stack's FerretDB (v1) has no retryable writes: its URI says so, code never does.
  mongoUrl: (mongoPort: number): string => `mongodb://127.0.0.1:${mongoPort}/?retryWrites=false`,
};

/**
 * `read` when the variable is set; otherwise the local stack's address on the port that `port`
 * reads. The port variable is only read (and only reported when invalid) when it is used.
 */
function orLocal<T>(read: Reader<T>, port: StackPortName, address: (port: number) => T): Reader<T> {
  return (env, name, problems) => {
    if ((env[name] ?? '').trim() !== '') return read(env, name, problems);
    return address(int(STACK_PORT_DEFAULTS[port], 1, 65_535)(env, port, problems));
  };
}

/**
 * Where a process finds the stack: KAFKA_BROKERS, SCHEMA_REGISTRY_URL and MONGO_URL when set,
 * otherwise loopback on KAFKA_PORT, REGISTRY_PORT and MONGO_PORT — the variables `npm start` and
 * `npm run stack` move the stack with — otherwise the default ports.
 */
export const stackShape = {
  KAFKA_BROKERS: orLocal(list(undefined), 'KAFKA_PORT', localStackAddress.kafkaBrokers),
  SCHEMA_REGISTRY_URL: orLocal(url(), 'REGISTRY_PORT', localStackAddress.schemaRegistryUrl),
  MONGO_URL: orLocal(str(), 'MONGO_PORT', localStackAddress.mongoUrl),
};

export interface StackAddresses {
  kafkaBrokers: string[];
  schemaRegistryUrl: string;
  mongoUrl: string;
}

/**
 * The stack's addresses for tools and scripts (the services read the same variables through
 * `commonShape`). Throws a ConfigError naming every bad variable.
 */
export function stackAddresses(env: NodeJS.ProcessEnv = process.env): StackAddresses {
  const c = parseConfig(stackShape, env);
  return { kafkaBrokers: c.KAFKA_BROKERS, schemaRegistryUrl: c.SCHEMA_REGISTRY_URL, mongoUrl: c.MONGO_URL };
}
