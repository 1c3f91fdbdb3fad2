import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { murmur2 as platformaticMurmur2 } from '@platformatic/kafka';
import { Partitioners, type PartitionMetadata } from 'kafkajs';
import { cachedKeyPartitioner, keyHash, murmur2, partitionForKey } from './partitioner.js';

// Printed by the Java client itself (kafka-clients 4.4.0: Utils.murmur2 of the UTF-8 bytes, and
// Utils.toPositive(hash) % 12, as its default partitioner does for a keyed record), run against the
// jars of the stack's Kafka; the first six are also Kafka's UtilsTest vectors.
const JAVA: [key: string, murmur2: number, partitionOf12: number][] = [
  ['21', -973932308, 0],
  ['foobar', -790332482, 6],
  ['a-little-bit-long-string', -985981536, 8],
  ['a-little-bit-longer-string', -1486304829, 11],
  ['lkjh234lh9fiuh90y23oiuhsafujhadof229phr9h19h89h8', -58897971, 5],
  ['abc', 479470107, 3],
  ['', 275646681, 9],
  ['a', -1563381124, 4],
  ['demo/app', 1887169502, 2],
  ['5c7e3a9e-2f0e-4c55-9a43-1b9e7a4b8f10', 1958122161, 9],
  ['ünïcødé/repo', -1303332926, 6],
  ['bench-a1b2c3/repo-9999', 1594826111, 11],
];

const meta = (n: number): PartitionMetadata[] =>
  Array.from({ length: n }, (_, i) => ({ partitionId: i, leader: 0, replicas: [0], isr: [0], partitionErrorCode: 0, offlineReplicas: [] }));

test('murmur2 and the partition of a key are the Java client\'s', () => {
  for (const [key, hash, p12] of JAVA) {
    assert.equal(murmur2(Buffer.from(key, 'utf8')), hash, `murmur2 of ${JSON.stringify(key)}`);
    assert.equal(partitionForKey(key, 12), p12, `partition of ${JSON.stringify(key)} among 12`);
    assert.equal(partitionForKey(Buffer.from(key, 'utf8'), 12), p12, 'a Buffer key hashes as its string');
  }
});

test('both clients\' own partitioners agree with it (kafkajs DefaultPartitioner, @platformatic/kafka murmur2)', () => {
  const kafkajs = Partitioners.DefaultPartitioner();
  const keys = [...Array.from({ length: 400 }, () => randomUUID()), ...JAVA.map(([k]) => k)];
  for (const n of [1, 3, 12, 24]) {
    for (const key of keys) {
      assert.equal(partitionForKey(key, n), kafkajs({ topic: 't', partitionMetadata: meta(n), message: { key, value: 'x' } }), `kafkajs, ${key}, ${n}`);
      assert.equal(keyHash(key), platformaticMurmur2(Buffer.from(key)) & 0x7fffffff, `platformatic, ${key}`);
    }
  }
});

test('the cached kafkajs partitioner: the same partitions, also after the partition count changes; an explicit partition wins; no key goes round robin', () => {
  const cached = cachedKeyPartitioner();
  const keys = Array.from({ length: 500 }, (_, i) => `notification-${i}`);
  const spread = new Set<number>();
  for (const n of [12, 12, 24]) {
    for (const key of keys) {
      const p = cached({ topic: 'jobs', partitionMetadata: meta(n), message: { key, value: 'x' } });
      assert.equal(p, partitionForKey(key, n), `key ${key} with ${n} partitions`);
      spread.add(p);
    }
  }
  assert.ok(spread.size > 12, 'keys spread over the partitions');
  assert.equal(cached({ topic: 'jobs', partitionMetadata: meta(12), message: { key: 'k', value: 'x', partition: 7 } }), 7);
  assert.equal(cached({ topic: 'jobs', partitionMetadata: meta(12), message: { key: Buffer.from('demo/app'), value: 'x' } }), 2, 'a Buffer key');
  const keyless = Array.from({ length: 12 }, () => cached({ topic: 'jobs', partitionMetadata: meta(12), message: { value: 'x' } }));
  assert.equal(new Set(keyless).size, 12, 'keyless messages visit every partition');
});
