import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { Partitioners, type PartitionMetadata } from 'kafkajs';
import { keyHash } from './record-producer.js';

const meta = (n: number): PartitionMetadata[] =>
  Array.from({ length: n }, (_, i) => ({ partitionId: i, leader: 0, replicas: [0], isr: [0], partitionErrorCode: 0, offlineReplicas: [] }));

test('the record producer partitions every key as kafkajs does (the router and the delivery services agree)', () => {
  const reference = Partitioners.DefaultPartitioner();
  const keys = [...Array.from({ length: 400 }, () => randomUUID()), 'quay/busybox', 'ünïcödé/repo', ''];
  const seen = new Set<number>();
  for (const n of [1, 6, 12, 24]) {
    for (const key of keys) {
      const bytes = Buffer.from(key);
      // The producer takes the hash modulo the topic's partition count.
      const p = keyHash(bytes) % n;
      assert.equal(p, reference({ topic: 't', partitionMetadata: meta(n), message: { key, value: 'x' } }), `key ${JSON.stringify(key)} with ${n} partitions`);
      if (n === 12) seen.add(p);
    }
  }
  assert.equal(seen.size, 12, 'uuid keys reach every one of 12 partitions');
});
