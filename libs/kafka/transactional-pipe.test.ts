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

function fakeKafka(plan: { commitFails?: number; abortFails?: number; connectFails?: number }) {
  const producers: FakeProducer[] = [];
  let eachBatch: ((p: EachBatchPayload) => Promise<void>) | undefined;
  let commitFails = plan.commitFails ?? 0;
  let abortFails = plan.abortFails ?? 0;
  let connectFails = plan.connectFails ?? 0;
  const kafka = {
    consumer: () => ({
      events: { CRASH: 'consumer.crash' },
      on: () => undefined,
      connect: async () => undefined,
      subscribe: async () => undefined,
      run: async (cfg: { eachBatch: (p: EachBatchPayload) => Promise<void> }) => {
        eachBatch = cfg.eachBatch;
      },
      disconnect: async () => undefined,
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
          return {
            sendBatch: async () => undefined,
            sendOffsets: async () => undefined,
            commit: async () => {
              if (commitFails > 0) {
                commitFails -= 1;
                throw new Error('Connection error: connect ECONNREFUSED');
              }
              p.commits += 1;
              p.state = 'READY';
            },
            abort: async () => {
              p.state = 'ABORTING';
              if (abortFails > 0) {
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
  const batch = (offset: string) => {
    if (!eachBatch) throw new Error('pipe not started');
    const payload = {
      batch: { topic: 'in', partition: 0, messages: [{ offset, key: Buffer.from('k'), value: Buffer.from('v'), timestamp: '0' }], lastOffset: () => offset },
      resolveOffset: (o: string) => resolved.push(o),
      heartbeat: async () => undefined,
      isRunning: () => true,
      isStale: () => false,
    } as unknown as EachBatchPayload;
    return eachBatch(payload);
  };
  return { kafka, producers, batch, resolved };
}

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

test('a producer left ABORTING by a failed abort is replaced before the next batch, which then commits', async () => {
  const { kafka, producers, batch, resolved } = fakeKafka({ commitFails: 1, abortFails: 1 });
  const pipe = pipeOver(kafka);
  await pipe.start();
  await assert.rejects(batch('5'), /ECONNREFUSED/);
  assert.equal(producers[0]?.state, 'ABORTING', 'the fake wedges as kafkajs does');
  await batch('5');
  assert.equal(producers.length, 2, 'a new producer');
  assert.equal(producers[0]?.disconnected, true, 'the wedged one is disconnected');
  assert.equal(producers[1]?.connects, 1, 'the new one connected (InitProducerId fences the old epoch)');
  assert.equal(producers[1]?.commits, 1);
  assert.deepEqual(resolved, ['5']);
  await pipe.stop();
});

test('a failed transaction whose abort succeeds keeps its producer', async () => {
  const { kafka, producers, batch, resolved } = fakeKafka({ commitFails: 1 });
  const pipe = pipeOver(kafka);
  await pipe.start();
  await assert.rejects(batch('7'), /ECONNREFUSED/);
  await batch('7');
  assert.equal(producers.length, 1);
  assert.equal(producers[0]?.commits, 1);
  assert.deepEqual(resolved, ['7']);
  await pipe.stop();
});

test('while the replacement cannot connect, each batch fails and the next one tries again', async () => {
  const { kafka, producers, batch, resolved } = fakeKafka({ commitFails: 1, abortFails: 1, connectFails: 2 });
  const pipe = pipeOver(kafka);
  await pipe.start();
  await assert.rejects(batch('9'), /ECONNREFUSED/);
  await assert.rejects(batch('9'), /ECONNREFUSED/);
  await assert.rejects(batch('9'), /ECONNREFUSED/);
  await batch('9');
  assert.equal(producers.filter((p) => p.commits === 1).length, 1, 'one producer committed the batch');
  assert.equal(producers[0]?.commits, 0, 'not the wedged one');
  assert.deepEqual(resolved, ['9']);
  await pipe.stop();
});
