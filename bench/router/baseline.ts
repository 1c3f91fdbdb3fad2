// The router benchmark's baselines, each run as its own process over the same events (no decode, no
// lookup, one message out per message in):
// - BENCH_BASELINE_MODE=eos (default): the router's own exactly-once pipe (createTransactionalPipe:
//   one transaction per fetch), so the router is compared with the same transaction strategy;
// - BENCH_BASELINE_MODE=fanout: the same exactly-once pipe, but each message goes to one of three
//   sink topics of 12 partitions in the event mix's proportions (6 : 2 : 2, as the router's jobs go to
//   the webhook, Slack and e-mail topics), keyed per (key, topic) as jobs are per notification: how
//   much of the router's gap to the baseline is writing to 36 partitions instead of 12;
// - BENCH_BASELINE_MODE=alo: at-least-once on the same client, consume → produce (idempotent,
//   acks=all) → commit offsets, no transactions: the price of exactly-once is eos / alo.
import { createKafka, createTransactionalPipe, ensureTopics, PARTITIONS, TOPICS } from '@herald/kafka';
import { createLogger } from '@herald/logger';

const groupId = process.env['BENCH_GROUP_ID'] ?? 'herald-bench-baseline';
const mode = process.env['BENCH_BASELINE_MODE'] ?? 'eos';
const logger = createLogger({ service: 'bench-baseline', level: 'warn' });
const kafka = createKafka({ brokers: (process.env['KAFKA_BROKERS'] ?? '127.0.0.1:9092').split(','), clientId: 'herald-bench-baseline', logger });
const SINKS = [TOPICS.benchSink, `${TOPICS.benchSink}.2`, `${TOPICS.benchSink}.3`];
await ensureTopics(kafka, SINKS.map((name) => ({ name, partitions: PARTITIONS.jobs, config: { 'retention.ms': String(3_600_000) } })));

const fail = (err: unknown) => {
  // stdout is the benchmark's pipe ("baseline ready"): say why on stderr, which it shows.
  console.error(`[bench:router] ${mode} baseline failed:`, err);
  logger.fatal({ err }, 'baseline failed');
  process.exit(1);
};

if (mode === 'alo') {
  const consumer = kafka.consumer({ groupId, maxWaitTimeInMs: 1_000, readUncommitted: false, heartbeatInterval: 1_000 });
  const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1, allowAutoTopicCreation: false });
  consumer.on(consumer.events.CRASH, ({ payload }) => !payload.restart && fail(payload.error));
  await producer.connect();
  await consumer.connect();
  await consumer.subscribe({ topic: TOPICS.repositoryEvents, fromBeginning: true });
  await consumer.run({
    // Same concurrency as the exactly-once pipe: every partition of a fetch at once.
    partitionsConsumedConcurrently: 12,
    eachBatchAutoResolve: true,
    autoCommit: true,
    eachBatch: async ({ batch }) => {
      // A fetched batch can hold a partition's whole megabyte: sent at once it would pass the
      // broker's message size limit (the exactly-once pipe splits its transactions' sends likewise).
      for (let i = 0; i < batch.messages.length; i += 1_000) {
        const messages = batch.messages.slice(i, i + 1_000).map((m) => ({ key: m.key, value: m.value }));
        await producer.sendBatch({ acks: -1, topicMessages: [{ topic: TOPICS.benchSink, messages }] });
      }
    },
  });
  process.on('SIGTERM', () => void consumer.disconnect().then(() => producer.disconnect()).then(() => process.exit(0)));
} else {
  const pipe = createTransactionalPipe({
    kafka,
    logger,
    groupId,
    topic: TOPICS.repositoryEvents,
    transactionalId: `${groupId}-0`,
    onFatal: fail,
    transform:
      mode === 'fanout'
        ? (messages) => {
            const out = SINKS.map((topic) => ({ topic, messages: [] as { key: Buffer; value: Buffer | null }[] }));
            for (const m of messages) {
              const r = Number(m.offset) % 10;
              const t = r < 6 ? 0 : r < 8 ? 1 : 2;
              out[t]!.messages.push({ key: Buffer.concat([m.key ?? Buffer.alloc(0), Buffer.from([t])]), value: m.value });
            }
            return out.filter((o) => o.messages.length > 0);
          }
        : (messages) => [{ topic: TOPICS.benchSink, messages: messages.map((m) => ({ key: m.key, value: m.value })) }],
  });
  process.on('SIGTERM', () => void pipe.stop().then(() => process.exit(0)));
  await pipe.start();
}
console.log('baseline ready');

