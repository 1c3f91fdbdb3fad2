import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Partitioners, type PartitionMetadata } from 'kafkajs';
import { cachedKeyPartitioner } from './client.js';

const meta = (n: number): PartitionMetadata[] =>
  Array.from({ length: n }, (_, i) => ({ partitionId: i, leader: 0, replicas: [0], isr: [0], partitionErrorCode: 0, offlineReplicas: [] }));

test('the cached partitioner puts every key where the default partitioner does, also after the partition count changes', () => {
  const cached = cachedKeyPartitioner();
  const reference = Partitioners.DefaultPartitioner();
  const keys = Array.from({ length: 500 }, (_, i) => `notification-${i}`);
  const spread = new Set<number>();
  for (const n of [12, 12, 24]) {
    for (const key of keys) {
      const args = { topic: 'jobs', partitionMetadata: meta(n), message: { key, value: 'x' } };
      const p = cached(args);
      assert.equal(p, reference(args), `key ${key} with ${n} partitions`);
      spread.add(p);
    }
  }
  assert.ok(spread.size > 12, 'keys spread over the partitions');
  assert.equal(cached({ topic: 'jobs', partitionMetadata: meta(12), message: { key: 'k', value: 'x', partition: 7 } }), 7, 'an explicit partition wins');
});
