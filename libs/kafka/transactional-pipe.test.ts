import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { EachBatchPayload, Kafka } from 'kafkajs';
import { createLogger } from '@herald/logger';
import { createTransactionalPipe } from './transactional-pipe.js';

// A transaction whose EndTxn fails leaves a kafkajs producer in ABORTING for good (every later
// transaction() throws): seen in the chaos test when the whole cluster bounced, after which the
// router crashed and exited. The pipe replaces such a producer before its next batch. These fakes
// stand for kafkajs's consumer and producer, with its state rule for a failed abort.

interface FakeProducer {
  id: number;
  state: 'READY' | 'TRANSACTING' | 'ABORTING';
  connects: number;
  disconnected: boolean;
  commits: number;
}

function fakeKafka(plan: { commitFails?: number; abortFails?: number; connectFails?: number; holdCommit?: Promise<void> }) {
  const producers: FakeProducer[] = [];
  const seeks: { topic: string; partition: number; offset: string }[] = [];
  let eachBatch: ((p: EachBatchPayload) => Promise<void>) | undefined;
  let commitFails = plan.commitFails ?? 0;
  let abortFails = plan.abortFails ?? 0;
  let connectFails = plan.connectFails ?? 0;
  const kafka = {
    // The group has committed nothing: a rewind seeks back to the first uncommitted batch.
    admin: () => ({
      connect: async () => undefined,
      disconnect: async () => undefined,
      fetchOffsets: async ({ topics }: { topics: string[] }) => topics.map((topic) => ({ topic, partitions: [0, 1, 2].map((partition) => ({ partition, offset: '-1' })) })),
    }),
    consumer: () => ({
      events: { CRASH: 'consumer.crash' },
      on: () => undefined,
      connect: async () => undefined,
      subscribe: async () => undefined,
      run: async (cfg: { eachBatch: (p: EachBatchPayload) => Promise<void> }) => {
        eachBatch = cfg.eachBatch;
      },
      disconnect: async () => undefined,
      seek: (s: { topic: string; partition: number; offset: string }) => seeks.push(s),
    }),
    producer: () => {
      const p: FakeProducer = { id: producers.length, state: 'READY', connects: 0, disconnected: false, commits: 0 };
      producers.push(p);
      return {
        connect: async () => {
          if (p.id > 0 && connectFails > 0) {
            connectFails -= 1;
            throw new Error('Connection error: connect ECONNREFUSED');
          }
          p.connects += 1;
        },
        disconnect: async () => {
          p.disconnected = true;
        },
        transaction: async () => {
          if (p.state !== 'READY') throw new Error(`Transaction state exception: Cannot call "beginTransaction" in state "${p.state}"`);
          p.state = 'TRANSACTING';
          let produced = false;
          return {
            sendBatch: async (b: { topicMessages: { messages: unknown[] }[] }) => {
              produced = true;
              sent.push(b.topicMessages.reduce((n, t) => n + t.messages.length, 0));
            },
            sendOffsets: async () => undefined,
            commit: async () => {
              await plan.holdCommit;
              if (commitFails > 0) {
                commitFails -= 1;
                throw new Error('Connection error: connect ECONNREFUSED');
              }
              p.commits += 1;
              p.state = 'READY';
            },
            abort: async () => {
              p.state = 'ABORTING';
              // An empty transaction (the one that settles a new producer) ends without EndTxn.
              if (produced && abortFails > 0) {
                abortFails -= 1;
                throw new Error('This is not the correct coordinator for this group');
              }
              p.state = 'READY';
            },
          };
        },
      };
    },
  } as unknown as Kafka;
  const resolved: string[] = [];
  const sent: number[] = [];
  const batch = (offset: string, partition = 0) => {
    if (!eachBatch) throw new Error('pipe not started');
    const payload = {
      batch: { topic: 'in', partition, messages: [{ offset, key: Buffer.from('k'), value: Buffer.from('v'), timestamp: '0' }], firstOffset: () => offset, lastOffset: () => offset },
      resolveOffset: (o: string) => resolved.push(o),
      heartbeat: async () => undefined,
      isRunning: () => true,
      isStale: () => false,
    } as unknown as EachBatchPayload;
    return eachBatch(payload);
  };
  return { kafka, producers, batch, resolved, seeks, sent };
}

/** Longer than the pipe's linger: the transaction the batches joined has committed or aborted. */
const settle = () => new Promise((r) => setTimeout(r, 40));

function pipeOver(kafka: Kafka) {
  return createTransactionalPipe({
    kafka,
    groupId: 'g',
    topic: 'in',
    transactionalId: 'tx-1',
    transform: () => [{ topic: 'out', messages: [{ key: 'k', value: 'v' }] }],
    logger: createLogger({ service: 'pipe-test', level: 'silent' }),
    onFatal: () => assert.fail('no fatal crash expected'),
  });
}

// A batch joins its transaction and returns at once (kafkajs fetches the next round meanwhile); a
// transaction that aborts seeks its partitions back and the next batch throws its error, so kafkajs
// retries as for any batch error.
test('a producer left ABORTING by a failed abort is replaced before the next batch, which then commits', async () => {
  const { kafka, producers, batch, resolved, seeks } = fakeKafka({ commitFails: 1, abortFails: 1 });
  const pipe = pipeOver(kafka);
  await pipe.start();
  await batch('5');
  await settle();
  assert.equal(producers[0]?.state, 'ABORTING', 'the fake wedges as kafkajs does');
  assert.deepEqual(seeks, [{ topic: 'in', partition: 0, offset: '5' }], 'sought back to the aborted batch');
  await assert.rejects(batch('5'), /ECONNREFUSED/, 'the next batch reports the abort');
  await batch('5');
  await settle();
  assert.equal(producers.length, 2, 'a new producer');
  assert.equal(producers[0]?.disconnected, true, 'the wedged one is disconnected');
  assert.equal(producers[1]?.connects, 1, 'the new one connected (InitProducerId fences the old epoch)');
  assert.equal(producers[1]?.commits, 1);
  assert.deepEqual(resolved, ['5', '5']);
  await pipe.stop();
});

test('a failed transaction is settled by a new producer before anything is consumed again, even when its abort succeeded', async () => {
  const { kafka, producers, batch, seeks } = fakeKafka({ commitFails: 1 });
  const pipe = pipeOver(kafka);
  await pipe.start();
  await batch('7');
  await settle();
  assert.equal(producers.length, 2, 'replaced: whether the commit took effect is only known once a new producer settled it');
  assert.deepEqual(seeks, [{ topic: 'in', partition: 0, offset: '7' }]);
  await assert.rejects(batch('7'), /ECONNREFUSED/);
  await batch('7');
  await settle();
  assert.equal(producers[1]?.commits, 1);
  await pipe.stop();
});

test('while the replacement cannot connect, every batch fails (nothing is consumed from unsettled positions) and tries to settle again', async () => {
  const { kafka, producers, batch, seeks } = fakeKafka({ commitFails: 1, abortFails: 1, connectFails: 2 });
  const pipe = pipeOver(kafka);
  await pipe.start();
  await batch('9');
  await settle();
  assert.deepEqual(seeks, [], 'not sought while unsettled');
  let rejected = 0;
  for (;;) {
    try {
      await batch('9');
      break;
    } catch (err) {
      assert.match(String(err), /ECONNREFUSED/);
      rejected++;
      assert.ok(rejected <= 3, 'settles once the replacement connects');
    }
  }
  await settle();
  assert.ok(rejected >= 2, `batches failed while unsettled (${rejected})`);
  assert.deepEqual(seeks, [{ topic: 'in', partition: 0, offset: '9' }], 'sought back once settled');
  assert.equal(producers.filter((p) => p.commits === 1).length, 1, 'one producer committed the batch');
  assert.equal(producers[0]?.commits, 0, 'not the wedged one');
  await pipe.stop();
});

test('an abort drops the open transaction and the batch being transformed, and seeks every partition to its first uncommitted offset', async () => {
  let releaseCommit!: () => void;
  let releaseTransform!: () => void;
  const holdCommit = new Promise<void>((r) => (releaseCommit = r));
  const holdTransform = new Promise<void>((r) => (releaseTransform = r));
  const { kafka, producers, batch, seeks, sent } = fakeKafka({ commitFails: 1, holdCommit });
  const pipe = createTransactionalPipe({
    kafka,
    groupId: 'g',
    topic: 'in',
    transactionalId: 'tx-1',
    lingerMs: 5,
    transform: async (messages) => {
      if (messages[0]?.offset === '30') await holdTransform;
      return [{ topic: 'out', messages: [{ key: 'k', value: 'v' }] }];
    },
    logger: createLogger({ service: 'pipe-test', level: 'silent' }),
    onFatal: () => assert.fail('no fatal crash expected'),
  });
  await pipe.start();
  await batch('10', 0); // its transaction is committing (held)
  await batch('20', 1); // joins the next, open, transaction
  const slow = batch('30', 2); // still being transformed when the first transaction aborts
  await settle();
  assert.deepEqual(sent, [1], 'only the first transaction has produced');
  releaseCommit();
  await settle();
  releaseTransform();
  await slow;
  await settle();
  assert.deepEqual(
    [...seeks].sort((a, b) => a.partition - b.partition),
    [
      { topic: 'in', partition: 0, offset: '10' },
      { topic: 'in', partition: 1, offset: '20' },
      { topic: 'in', partition: 2, offset: '30' },
    ],
  );
  assert.deepEqual(sent, [1], 'the open transaction and the slow batch were never produced');
  assert.equal(producers[0]?.commits, 0, 'nothing committed');
  await assert.rejects(batch('10', 0), /ECONNREFUSED/, 'the abort is reported by the next batch');
  await batch('10', 0);
  await settle();
  assert.equal(producers[0]?.commits, 0);
  assert.equal(producers[1]?.commits, 1, 'consumed again and committed, by the producer that settled the failed transaction');
  await pipe.stop();
});
