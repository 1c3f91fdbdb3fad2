import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { BatchingProducer } from '@herald/delivery';
import { createRecordProducer, ensureTopics, type OutgoingRecord, type RecordProducer } from '@herald/kafka';
import { readSince, TEST_KAFKA_BROKERS, testKafka } from '../helpers/kafka.js';

// The delivery runtime's results, retries and dead letters go through the BatchingProducer: many
// small sends become few requests, against the real broker, and every send resolves only once its
// record is written (or rejects with the batch's error).
const TOPIC = `herald-it-batching-${randomBytes(4).toString('hex')}`;
const kafka = testKafka('herald-batching-producer-it');
let records: RecordProducer;
/** The requests the BatchingProducer made (record counts), in order. */
let requests: number[] = [];
/** The record producer, counting its requests. */
let counted: RecordProducer;

before(async () => {
  await ensureTopics(kafka, [{ name: TOPIC, partitions: 3, config: {} }]);
  records = createRecordProducer({ brokers: TEST_KAFKA_BROKERS, clientId: 'herald-batching-producer-it' });
  await records.connect([TOPIC]);
  counted = {
    connect: (topics) => records.connect(topics),
    close: () => records.close(),
    send: (batch: readonly OutgoingRecord[]) => {
      requests.push(batch.length);
      return records.send(batch);
    },
  };
});

after(async () => {
  await records.close();
  const admin = kafka.admin();
  await admin.connect();
  await admin.deleteTopics({ topics: [TOPIC] }).catch(() => undefined);
  await admin.disconnect();
});

const value = (s: string) => ({ key: 'k', value: Buffer.from(s) });

test('a burst goes out in full batches, and every send resolves once its record can be read back', async () => {
  requests = [];
  const out = new BatchingProducer(counted, { lingerMs: 1_000, maxBatch: 100 });
  const since = Date.now() - 1_000;
  const tag = randomBytes(4).toString('hex');
  await Promise.all(Array.from({ length: 250 }, (_, i) => out.send(TOPIC, value(`${tag}-${i}`))));
  // 100 + 100 went out full at once; the last 50 lingered (1 s) or were flushed: not more requests.
  assert.deepEqual(requests.slice(0, 2), [100, 100]);
  assert.equal(requests.reduce((a, b) => a + b, 0), 250);
  assert.equal(requests.length, 3, `requests: ${requests.join(', ')}`);
  const read = await readSince(kafka, TOPIC, since, (m) => (m.value?.toString().startsWith(tag) ? m.value.toString() : undefined), (kept) => kept.length >= 250);
  assert.equal(new Set(read).size, 250);
});

test('a lone message waits about lingerMs for company, no longer', async () => {
  requests = [];
  const out = new BatchingProducer(counted, { lingerMs: 150 });
  const t0 = Date.now();
  await out.send(TOPIC, value('lone'));
  const waited = Date.now() - t0;
  assert.ok(waited >= 140, `sent after ${waited} ms, before its linger time`);
  assert.ok(waited < 2_000, `sent after ${waited} ms`);
  assert.deepEqual(requests, [1]);
});

test('a steady trickle shares requests: messages queued during a flight wait only the rest of their linger', async () => {
  requests = [];
  const out = new BatchingProducer(counted, { lingerMs: 50 });
  const sends: Promise<void>[] = [];
  const t0 = Date.now();
  for (let i = 0; i < 100; i++) {
    sends.push(out.send(TOPIC, value(`trickle-${i}`)));
    await new Promise((r) => setTimeout(r, 3));
  }
  await Promise.all(sends);
  const elapsed = Date.now() - t0;
  // One request per linger period at most (plus the last partial one), not one per message.
  assert.ok(requests.length <= Math.ceil(elapsed / 50) + 1, `${requests.length} requests in ${elapsed} ms`);
  assert.ok(requests.length >= 2, `${requests.length} requests: the trickle lasted several linger periods`);
  assert.equal(requests.reduce((a, b) => a + b, 0), 100);
});

test('a failed request rejects each of its sends with the broker error; the next batch still goes out', async () => {
  const out = new BatchingProducer(counted, { lingerMs: 10 });
  const missing = `${TOPIC}-missing`;
  const failed = await Promise.allSettled([out.send(missing, value('a')), out.send(missing, value('b'))]);
  for (const r of failed) {
    assert.equal(r.status, 'rejected');
    assert.match(String((r as PromiseRejectedResult).reason), new RegExp(`Unknown topic ${missing}`));
  }
  await out.send(TOPIC, value('after the failure'));
  await out.flush();
});
