import { test } from 'node:test';
import assert from 'node:assert/strict';
import { murmur2, partitionForKey } from './key-partitioner.js';

test('murmur2 matches the Java client (Kafka UtilsTest vectors)', () => {
  const cases: [string, number][] = [
    ['21', -973932308],
    ['foobar', -790332482],
    ['a-little-bit-long-string', -985981536],
    ['a-little-bit-longer-string', -1486304829],
    ['lkjh234lh9fiuh90y23oiuhsafujhadof229phr9h19h89h8', -58897971],
    ['abc', 479470107],
  ];
  for (const [key, hash] of cases) assert.equal(murmur2(Buffer.from(key)), hash, key);
});

test('a key always lands on the same partition, within range', () => {
  for (const key of ['acme/webapp', 'a', '', 'ns/team/app']) {
    const p = partitionForKey(key, 12);
    assert.ok(p >= 0 && p < 12);
    assert.equal(partitionForKey(Buffer.from(key), 12), p);
  }
});
