import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { createLogger } from '@herald/logger';
import { createTransactionalPipe, ensureTopics, fencedCause, type Kafka, type TransactionalPipe } from '@herald/kafka';
import { testKafka } from '../helpers/kafka.js';
import { eventually } from '../helpers/wait.js';

// The transactional pipe on the real broker, through the cases where a transaction is open while
// the group changes: members joining and leaving mid-stream (each rebalance makes a member commit
// its open transaction before it rejoins or leaves), and a producer fenced mid-stream (its open
// transaction is aborted; the next owner consumes from the committed offsets). Whatever happens,
// every input message comes out exactly once to a read_committed reader.

const PARTITIONS = 6;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const logger = createLogger({ service: 'pipe-it', level: (process.env['PIPE_IT_LOG'] as 'warn' | undefined) ?? 'silent' });

/** What a test opened, closed after the file's tests even when one fails midway (else the process never exits). */
const opened: (() => Promise<unknown>)[] = [];
after(async () => {
  for (const close of opened.reverse()) await close().catch(() => undefined);
});

async function setup(name: string) {
  const id = randomBytes(3).toString('hex');
  const kafka = testKafka(`herald-pipe-it-${name}`);
  const topics = { input: `it-pipe-${name}-${id}-in`, output: `it-pipe-${name}-${id}-out` };
  await ensureTopics(kafka, [topics.input, topics.output].map((t) => ({ name: t, partitions: PARTITIONS, config: {} })));
  const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
  await producer.connect();
  let sent = 0;
  const publish = async (n: number) => {
    for (let i = 0; i < n; i += 250) {
      const batch = Array.from({ length: Math.min(250, n - i) }, () => ({ key: `k${sent % 97}`, value: String(sent++) }));
      await producer.send({ topic: topics.input, acks: -1, messages: batch });
    }
  };
  const fatal: Error[] = [];
  opened.push(() => producer.disconnect());
  const pipe = (instance: string): TransactionalPipe => {
    const p = createTransactionalPipe({
      kafka,
      logger,
      groupId: `it-pipe-${name}-${id}`,
      topic: topics.input,
      transactionalId: `it-pipe-${name}-${id}-${instance}`,
      lingerMs: 30,
      // Slow enough that transactions are open most of the time.
      transform: async (messages) => {
        await sleep(15);
        return [{ topic: topics.output, messages: messages.map((m) => ({ key: m.key, value: m.value })) }];
      },
      onFatal: (err) => fatal.push(err),
    });
    opened.push(() => p.stop());
    return p;
  };
  return { kafka, topics, publish, pipe, fatal, txId: (instance: string) => `it-pipe-${name}-${id}-${instance}`, sent: () => sent, close: () => producer.disconnect() };
}

/** Every value on `topic` as a read_committed reader sees it, once `expected` arrived (plus a settle for late duplicates). */
async function readCommitted(kafka: Kafka, topic: string, expected: number): Promise<string[]> {
  const values: string[] = [];
  const consumer = kafka.consumer({ groupId: `it-pipe-reader-${randomBytes(4).toString('hex')}`, readUncommitted: false, maxWaitTimeInMs: 200 });
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: true });
  await consumer.run({ eachMessage: async ({ message }) => void values.push(message.value?.toString() ?? '') });
  try {
    await eventually(() => assert.ok(values.length >= expected, `${values.length} of ${expected} read`), 60_000, 200);
    await sleep(2_000);
  } finally {
    await consumer.disconnect();
  }
  return values;
}

function assertExactlyOnce(values: string[], n: number): void {
  const counts = new Map<string, number>();
  for (const v of values) counts.set(v, (counts.get(v) ?? 0) + 1);
  const missing = Array.from({ length: n }, (_, i) => String(i)).filter((v) => !counts.has(v));
  const duplicated = [...counts].filter(([, c]) => c > 1).map(([v]) => v);
  assert.deepEqual({ missing: missing.slice(0, 10), duplicated: duplicated.slice(0, 10), extra: values.length - n }, { missing: [], duplicated: [], extra: 0 });
}

test('members joining and leaving mid-stream: each commits its open transaction before the group rebalances, and every message comes out exactly once', { timeout: 180_000 }, async () => {
  const s = await setup('rebalance');
  const a = s.pipe('a');
  await a.start();
  await s.publish(1_500);
  const b = s.pipe('b');
  await b.start(); // a rebalance while a's transactions are open
  await s.publish(1_500);
  const c = s.pipe('c');
  await c.start();
  await s.publish(1_500);
  await a.stop(); // leaves mid-stream: its open transaction commits first
  await s.publish(1_500);
  await b.stop();
  const a2 = s.pipe('a'); // a comes back with its transactional id
  await a2.start();
  await s.publish(1_000);
  const values = await readCommitted(s.kafka, s.topics.output, s.sent());
  await Promise.all([c.stop(), a2.stop()]);
  await s.close();
  assert.deepEqual(s.fatal, []);
  assertExactlyOnce(values, s.sent());
});

test('a producer fenced mid-stream: the pipe stops for good without taking the id back, and its successor consumes from the committed offsets exactly once', { timeout: 180_000 }, async () => {
  const s = await setup('fenced');
  let a = s.pipe('a');
  await a.start();
  const original = a.producer;
  await s.publish(2_000);
  // A producer with a's transactional id (as a zombie's successor would be): a's producer is fenced,
  // and the transaction it has open is aborted by the coordinator.
  const fencer = s.kafka.producer({ transactionalId: s.txId('a'), idempotent: true, maxInFlightRequests: 1 });
  await fencer.connect();
  opened.push(() => fencer.disconnect());
  await (await fencer.transaction()).abort(); // kafkajs inits its producer id (the fence) with the first transaction
  await s.publish(2_000); // the pipe's next transaction finds its producer fenced
  // The fenced pipe stops for good (settling would fence the fencer in turn: two instances taking
  // the id from each other); a successor with the same id takes over from the committed offsets.
  await eventually(() => assert.ok(s.fatal.length > 0, 'the fenced pipe stopped'), 30_000, 100);
  assert.ok(fencedCause(s.fatal[0]), `stopped for the fence: ${String(s.fatal[0])}`);
  assert.equal(a.producer, original, 'the fenced producer was not replaced');
  await a.stop().catch(() => undefined);
  a = s.pipe('a');
  await a.start();
  const values = await readCommitted(s.kafka, s.topics.output, s.sent());
  await a.stop();
  await fencer.disconnect();
  await s.close();
  assertExactlyOnce(values, s.sent());
});
