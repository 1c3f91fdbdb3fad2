import './kafkajs-patches.js';
import type { ConnectionOptions } from 'node:tls';
import { Kafka, logLevel, type KafkaConfig, type LogEntry, type SASLOptions } from 'kafkajs';
import type { KafkaConnection } from '@herald/config';
import type { Logger } from '@herald/logger';

/** The brokers and their security (`kafkaConnection(config)` of @herald/config), and the client's own settings. */
export interface KafkaClientOptions extends KafkaConnection {
  clientId: string;
  /** Root logger; kafkajs logs are bridged into it as child `component: kafkajs`. */
  logger?: Logger;
  connectionTimeoutMs?: number;
  requestTimeoutMs?: number;
}

const LEVELS: Record<number, 'error' | 'warn' | 'info' | 'debug'> = {
  [logLevel.ERROR]: 'error',
  [logLevel.WARN]: 'warn',
  [logLevel.INFO]: 'info',
  [logLevel.DEBUG]: 'debug',
};

// Warnings kafkajs prints on every producer that say nothing about this deployment: Herald relies on
// the default partitioner (the producer library pins its own), and its idempotent producers either
// run inside transactions (a failed send aborts) or surface a failed send to the caller.
const NOISE = [/switched default partitioner/, /Limiting retries for the idempotent producer/];

/** Turns kafkajs's log entries into pino records (fields first, constant lowercase message). */
export function kafkaLogCreator(root: Logger): KafkaConfig['logCreator'] {
  const log = root.child({ component: 'kafkajs' });
  return () => (entry: LogEntry) => {
    const { message, ...fields } = entry.log;
    if (NOISE.some((re) => re.test(message))) return;
    const level = LEVELS[entry.level] ?? 'info';
    // kafkajs reports routine rebalances and retries as errors; keep them visible but not alarming.
    const quiet = level === 'error' && /rebalanc|not the leader|coordinator/i.test(message);
    log[quiet ? 'warn' : level]({ ...fields, kafkaNamespace: entry.namespace, kafkaMessage: message }, 'kafkajs');
  };
}

/** Node's TLS options for a connection's `tls` (the same for kafkajs and @platformatic/kafka). */
export function tlsOptions(tls: NonNullable<KafkaConnection['tls']>): ConnectionOptions {
  return { ...(tls.ca ? { ca: tls.ca } : {}), ...(tls.cert ? { cert: tls.cert } : {}), ...(tls.key ? { key: tls.key } : {}) };
}

/** Creates a kafkajs client for Herald's brokers. Constructing does not connect. */
export function createKafka(opts: KafkaClientOptions): Kafka {
  return new Kafka({
    clientId: opts.clientId,
    brokers: opts.brokers,
    // kafkajs types each mechanism apart; all three take a username and a password.
    ...(opts.sasl ? { sasl: { ...opts.sasl } as SASLOptions } : {}),
    ...(opts.tls ? { ssl: tlsOptions(opts.tls) } : {}),
    connectionTimeout: opts.connectionTimeoutMs ?? 3_000,
    requestTimeout: opts.requestTimeoutMs ?? 30_000,
    logLevel: opts.logger ? logLevel.WARN : logLevel.NOTHING,
    ...(opts.logger ? { logCreator: kafkaLogCreator(opts.logger) } : {}),
    // kafkajs's default maxRetryTime (30 s) kept a consumer waiting that long after a broker came back.
    retry: { initialRetryTime: 100, maxRetryTime: 5_000, retries: 8 },
  });
}
