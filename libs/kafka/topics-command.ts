import { parseArgs } from 'node:util';
import { setTimeout as sleep } from 'node:timers/promises';
import { commonShape, kafkaConnection, kafkaSecurityShape, optionalInt, parseConfig, type ConfigOf } from '@herald/config';
import { ConfigError } from '@herald/errors';
import { createLogger } from '@herald/logger';
import type { Admin } from 'kafkajs';
import { createKafka } from './client.js';
import { applyTopicPlan, brokerCount, observeTopics } from './provision-admin.js';
import { describeDrift, desiredTopics, findDrift, planTopics, replicationSettings, type DesiredTopic, type Drift } from './provision.js';
import { retryDelaysMs } from './retry-delays.js';
import { topicSpecs } from './topics.js';

/** `herald topics --help`. */
export const TOPICS_USAGE = `herald topics — provision Herald's Kafka topics (idempotent)

Usage:
  herald topics check [--brokers <host:port,...>]
      report every difference from Herald's topic specs, one line each; exit 1 if any
  herald topics apply [--brokers <host:port,...>] [--add-partitions]
      create missing topics, set configs online, and with --add-partitions raise partition counts
      (this changes which partition a key maps to); exit 1 if anything is left to fix by hand
      (a replication factor change, fewer partitions)

Options:
  --brokers <host:port,...>   Kafka (env KAFKA_BROKERS; the same default as the services)
  --prefix <prefix>           the same topics under prefixed names (tests; services use none)

Environment:
  DELIVERY_RETRY_DELAYS_MS    the delivery services' retry schedule; one retry topic per delay
  KAFKA_REPLICATION_FACTOR    default 3, or the broker count when the cluster has fewer brokers
  KAFKA_MIN_INSYNC_REPLICAS   default 2 when the replication factor is 3 or more, else the broker's
  KAFKA_SASL_MECHANISM, KAFKA_SASL_USERNAME, KAFKA_SASL_PASSWORD(_FILE), KAFKA_TLS,
  KAFKA_TLS_CA_FILE, KAFKA_TLS_CERT_FILE, KAFKA_TLS_KEY_FILE
                              a secured Kafka, as for the services (see the README)

Exit status: 0 topics as specified, 1 drift left or Kafka failure, 2 usage or configuration error.
`;

/** The variables `herald topics` reads; the retry schedule is the delivery services' own reader. */
export const topicsShape = {
  KAFKA_BROKERS: commonShape.KAFKA_BROKERS,
  ...kafkaSecurityShape,
  KAFKA_CLIENT_ID: commonShape.KAFKA_CLIENT_ID,
  LOG_LEVEL: commonShape.LOG_LEVEL,
  DELIVERY_RETRY_DELAYS_MS: retryDelaysMs(),
  KAFKA_REPLICATION_FACTOR: optionalInt(1, 32),
  KAFKA_MIN_INSYNC_REPLICAS: optionalInt(1, 32),
};
type TopicsConfig = ConfigOf<typeof topicsShape>;

export interface TopicsCommandIo {
  out(line: string): void;
  err(line: string): void;
}

const stdio: TopicsCommandIo = {
  out: (line) => process.stdout.write(`${line}\n`),
  err: (line) => process.stderr.write(`${line}\n`),
};

type Parsed = { action: 'help' } | { action: 'check' | 'apply'; addPartitions: boolean; prefix: string; config: TopicsConfig };

class UsageError extends Error {}

const OPTIONS = {
  brokers: { type: 'string' },
  'add-partitions': { type: 'boolean' },
  prefix: { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const;

function parse(argv: readonly string[], env: NodeJS.ProcessEnv): Parsed {
  let parsed: ReturnType<typeof parseArgs<{ options: typeof OPTIONS; allowPositionals: true }>>;
  try {
    parsed = parseArgs({ args: [...argv], options: OPTIONS, allowPositionals: true, strict: true });
  } catch (err) {
    throw new UsageError((err as Error).message);
  }
  const { values, positionals } = parsed;
  if (values.help) return { action: 'help' };
  const [action, ...rest] = positionals;
  if (action !== 'check' && action !== 'apply') throw new UsageError(action === undefined ? 'missing check or apply' : `unknown topics command ${JSON.stringify(action)}`);
  if (rest.length > 0) throw new UsageError(`unexpected arguments: ${rest.join(' ')}`);
  if (action === 'check' && values['add-partitions']) throw new UsageError('--add-partitions is an apply option');
  // The CLI is quiet unless asked: stdout carries the report, logs go to stderr.
  const config = parseConfig(topicsShape, { LOG_LEVEL: 'error', ...env, ...(values.brokers === undefined ? {} : { KAFKA_BROKERS: values.brokers }) });
  return { action, addPartitions: values['add-partitions'] ?? false, prefix: values.prefix ?? '', config };
}

/**
 * `herald topics check|apply`: `argv` is what follows `topics`. Returns the exit status.
 * Also what `npm start` and the compose init step run.
 */
export async function runTopicsCommand(argv: readonly string[], env: NodeJS.ProcessEnv, io: TopicsCommandIo = stdio): Promise<number> {
  let cmd: Parsed;
  try {
    cmd = parse(argv, env);
  } catch (err) {
    if (!(err instanceof UsageError) && !(err instanceof ConfigError)) throw err;
    io.err(`herald topics: ${err.message}`);
    io.err('Run "herald topics --help" for usage.');
    return 2;
  }
  if (cmd.action === 'help') {
    io.out(TOPICS_USAGE.trimEnd());
    return 0;
  }
  const { config } = cmd;
  const logger = createLogger({ service: 'herald-topics', level: config.LOG_LEVEL, destination: process.stderr });
  const kafka = createKafka({ ...kafkaConnection(config), clientId: `${config.KAFKA_CLIENT_ID}-topics`, logger });
  const admin = kafka.admin();
  try {
    await admin.connect();
    const brokers = await brokerCount(admin);
    let settings;
    try {
      settings = replicationSettings(brokers, { replicationFactor: config.KAFKA_REPLICATION_FACTOR, minInsyncReplicas: config.KAFKA_MIN_INSYNC_REPLICAS });
    } catch (err) {
      io.err(`herald topics: ${(err as Error).message}`);
      return 2;
    }
    const desired = desiredTopics(topicSpecs(config.DELIVERY_RETRY_DELAYS_MS.length, { prefix: cmd.prefix }), settings);
    return cmd.action === 'check' ? await check(admin, desired, io) : await apply(admin, desired, { addPartitions: cmd.addPartitions, brokers }, io);
  } catch (err) {
    io.err(`herald topics: ${(err as Error).message}`);
    return 1;
  } finally {
    await admin.disconnect().catch(() => undefined);
  }
}

function summary(desired: readonly DesiredTopic[], drift: readonly Drift[]): string {
  const differing = new Set(drift.map((d) => d.topic)).size;
  if (differing === 0) return `${desired.length} topics ok`;
  return `${desired.length - differing} of ${desired.length} topics ok; ${drift.length} problem${drift.length === 1 ? '' : 's'} in ${differing}`;
}

async function check(admin: Admin, desired: readonly DesiredTopic[], io: TopicsCommandIo): Promise<number> {
  const drift = findDrift(desired, await observeTopics(admin, desired.map((d) => d.name)));
  for (const d of drift) io.out(describeDrift(d));
  io.out(drift.length === 0 ? summary(desired, drift) : `${summary(desired, drift)}; run \`npx herald topics apply\``);
  return drift.length === 0 ? 0 : 1;
}

async function apply(admin: Admin, desired: readonly DesiredTopic[], opts: { addPartitions: boolean; brokers: number }, io: TopicsCommandIo): Promise<number> {
  const names = desired.map((d) => d.name);
  const plan = planTopics(desired, await observeTopics(admin, names), opts);
  for (const line of await applyTopicPlan(admin, plan)) io.out(line);
  for (const b of plan.blocked) io.out(`not fixed: ${describeDrift(b.drift)} (${b.reason})`);
  // Re-read what the cluster now has: the report is the outcome, not the intent. Metadata of new
  // partitions can lag the request briefly, so drift that apply should have fixed is read again.
  const left = new Set(plan.blocked.map((b) => describeDrift(b.drift)));
  let drift: Drift[] = [];
  for (let attempt = 0; attempt < 6; attempt++) {
    try {
      drift = findDrift(desired, await observeTopics(admin, names));
      if (drift.every((d) => left.has(describeDrift(d)))) break;
    } catch (err) {
      // A broker the new topics have not reached yet answers UNKNOWN_TOPIC_OR_PARTITION: ask again.
      if (attempt === 5) throw err;
    }
    await sleep(100 * 2 ** attempt);
  }
  for (const d of drift) if (!left.has(describeDrift(d))) io.out(`still differs: ${describeDrift(d)}`);
  io.out(summary(desired, drift));
  return drift.length === 0 ? 0 : 1;
}
