import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes, randomUUID } from 'node:crypto';
import { cachedKeyPartitioner, createRecordProducer, ensureTopics, type RecordProducer } from '@herald/kafka';
import { readSince, TEST_KAFKA_BROKERS, testKafka } from '../helpers/kafka.js';

// The delivery runtime publishes results, retries, dead letters and alerts with the record producer
// (@platformatic/kafka) while everything else uses kafkajs: what it writes must read back exactly,
// on the partition kafkajs would have chosen for the key.
const TOPIC = `herald-it-records-${randomBytes(4).toString('hex')}`;
const PARTITIONS = 6;
const kafka = testKafka('herald-record-producer-it');
let producer: RecordProducer;

before(async () => {
  await ensureTopics(kafka, [{ name: TOPIC, partitions: PARTITIONS, config: {} }]);
  producer = createRecordProducer({ brokers: TEST_KAFKA_BROKERS, clientId: 'herald-record-producer-it' });
  await producer.connect([TOPIC]);
});

after(async () => {
  await producer.close();
  const admin = kafka.admin();
  await admin.connect();
  await admin.deleteTopics({ topics: [TOPIC] }).catch(() => undefined);
  await admin.disconnect();
});

const meta = (n: number) =>
  Array.from({ length: n }, (_, i) => ({ partitionId: i, leader: 0, replicas: [0], isr: [0], partitionErrorCode: 0, offlineReplicas: [] }));

interface Read {
  partition: number;
  key: string | null;
  value: string | null;
  headers: Record<string, string>;
}

test('records read back with their key, value and headers, on the partition kafkajs picks for the key', async () => {
  const since = Date.now() - 1_000;
  const keys = Array.from({ length: 40 }, () => randomUUID());
  await producer.send(keys.map((key, i) => ({ topic: TOPIC, key, value: Buffer.from(`value-${i}`), headers: { 'x-index': String(i), 'x-bytes': Buffer.from([1, 2, 3]) } })));
  await producer.send([
    // A dead-lettered copy of a message as it was consumed: a Buffer key, repeated and absent headers.
    { topic: TOPIC, key: Buffer.from('buffer-key'), value: Buffer.from('copy'), headers: { 'x-repeated': ['first', 'second'], 'x-absent': undefined } },
    // A tombstone without a key.
    { topic: TOPIC, key: null, value: null },
  ]);
  const read = await readSince<Read>(
    kafka,
    TOPIC,
    since,
    (m, partition) => ({
      partition,
      key: m.key?.toString() ?? null,
      value: m.value?.toString() ?? null,
      headers: Object.fromEntries(Object.entries(m.headers ?? {}).map(([k, v]) => [k, String(v)])),
    }),
    (kept) => kept.length >= keys.length + 2,
  );
  assert.equal(read.length, keys.length + 2);
  // kafkajs's default partitioner (libs/kafka's unit tests hold the cached one to it).
  const reference = cachedKeyPartitioner();
  keys.forEach((key, i) => {
    const r = read.find((x) => x.key === key);
    assert.ok(r, `record ${i} read back`);
    assert.equal(r.value, `value-${i}`);
    assert.deepEqual(r.headers, { 'x-index': String(i), 'x-bytes': Buffer.from([1, 2, 3]).toString() });
    assert.equal(r.partition, reference({ topic: TOPIC, partitionMetadata: meta(PARTITIONS), message: { key, value: 'x' } }), `partition of ${key}`);
  });
  assert.ok(new Set(read.map((r) => r.partition)).size > 1, 'keys spread over partitions');
  const copy = read.find((r) => r.key === 'buffer-key');
  assert.deepEqual(copy?.headers, { 'x-repeated': 'first' }, 'a repeated header keeps its first value; an absent one is left out');
  const tombstone = read.find((r) => r.key === null);
  assert.equal(tombstone?.value, null, 'a null value stays null');
});

test('keyless records go round-robin over the partitions', async () => {
  const since = Date.now() - 1_000;
  const tag = randomUUID();
  await producer.send(Array.from({ length: PARTITIONS }, () => ({ topic: TOPIC, key: null, value: Buffer.from(tag) })));
  const read = await readSince<number>(kafka, TOPIC, since, (m, partition) => (m.value?.toString() === tag ? partition : undefined), (kept) => kept.length >= PARTITIONS);
  assert.equal(new Set(read).size, PARTITIONS, `${PARTITIONS} keyless records, one per partition: ${read.join(', ')}`);
});

test('a failed send rejects with the broker error, and the producer carries on with the next send', async () => {
  await assert.rejects(producer.send([{ topic: `${TOPIC}-missing`, key: 'k', value: Buffer.from('x') }]), new RegExp(`Unknown topic ${TOPIC}-missing`));
  const since = Date.now() - 1_000;
  const key = randomUUID();
  await producer.send([{ topic: TOPIC, key, value: Buffer.from('after the failure') }]);
  const [r] = await readSince<Read>(kafka, TOPIC, since, (m, partition) => (m.key?.toString() === key ? { partition, key, value: m.value?.toString() ?? null, headers: {} } : undefined), (kept) => kept.length > 0);
  assert.equal(r?.value, 'after the failure');
});

test('a closed producer refuses to send', async () => {
  const p = createRecordProducer({ brokers: TEST_KAFKA_BROKERS, clientId: 'herald-record-producer-closed' });
  await p.close();
  await assert.rejects(p.send([{ topic: TOPIC, key: 'k', value: Buffer.from('x') }]), /closed/);
});
