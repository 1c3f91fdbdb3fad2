import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { RepositoryEventOf } from '@herald/events';
import { decodeOffsets, encodeOffsets, PartitionWindows } from './partition-windows.js';
import type { RawRecord } from './raw-record.js';

const limits = { windowMs: 2_000, maxTags: 3, dedupeIds: 100 };
const push = (repository: string, tag: string, id = `${repository}:${tag}`): RawRecord => ({
  v: 1,
  kind: 'tag_push',
  source: 'distribution',
  source_id: id,
  repository,
  registry_host: 'registry.test',
  occurred_at: 1_000,
  tag,
});
const tags = (events: unknown[]) => events.map((e) => (e as RepositoryEventOf<'repo_push'>).body.updated_tags);

test('a window closes at its deadline with every tag once (a tag pushed twice counts at its latest push); the commit point waits for it', () => {
  const w = new PartitionWindows(10n, [], limits);
  w.add(10n, push('ns/a', 'v1'), 0, 0);
  w.add(11n, push('ns/a', 'v2'), 500, 500);
  w.add(12n, push('ns/a', 'v1', 'again'), 600, 600);
  assert.deepEqual(w.take(1_999), []);
  assert.deepEqual(w.commitPoint(), { offset: 10n, metadata: 'v1:' });
  assert.deepEqual(tags(w.take(2_000)), [['v2', 'v1']]);
  assert.deepEqual(w.commitPoint(), { offset: 13n, metadata: 'v1:' });
});

test('interleaved windows: one closed early (max tags) is recorded past the commit point and skipped when re-consumed', () => {
  const w = new PartitionWindows(0n, [], limits);
  w.add(0n, push('ns/slow', 's1'), 0, 0);
  for (const [i, t] of ['f1', 'f2', 'f3'].entries()) w.add(BigInt(i + 1), push('ns/full', t), 0, 0);
  assert.deepEqual(tags(w.take(0)), [['f1', 'f2', 'f3']]);
  const point = w.commitPoint();
  assert.deepEqual(point, { offset: 0n, metadata: 'v1:1-3' });

  // A restart from that commit: slow's record comes again, full's are skipped.
  const again = new PartitionWindows(point.offset, decodeOffsets(point.metadata), limits);
  assert.equal(again.add(0n, push('ns/slow', 's1'), 0, 5_000), 'windowed');
  for (let i = 1; i <= 3; i++) assert.equal(again.add(BigInt(i), push('ns/full', `f${i}`), 0, 5_000), 'already_emitted');
  assert.deepEqual(tags(again.take(5_000)), [['s1']]);
  assert.deepEqual(again.commitPoint(), { offset: 4n, metadata: 'v1:' });
});

test('a source id seen before (a registry retry) is a duplicate, also when only read back before the commit point', () => {
  const w = new PartitionWindows(5n, [], limits);
  assert.equal(w.add(3n, push('ns/a', 'x', 'id-1'), 0, 0), 'replayed');
  assert.equal(w.add(5n, push('ns/a', 'x', 'id-1'), 0, 0), 'duplicate');
  assert.equal(w.add(6n, push('ns/a', 'y', 'id-2'), 0, 0), 'windowed');
  assert.equal(w.add(7n, push('ns/a', 'y', 'id-2'), 0, 0), 'duplicate');
  assert.deepEqual(tags(w.take(10_000)), [['y']]);
});

test('a ready event is emitted at once; an unreadable record is skipped; ids are deterministic', () => {
  const a = new PartitionWindows(0n, [], limits);
  const b = new PartitionWindows(0n, [], limits);
  for (const w of [a, b]) {
    w.skip(0n);
    w.add(1n, push('ns/a', 'v1'), 0, 0);
  }
  const [ea] = a.take(2_000);
  const [eb] = b.take(2_000);
  assert.equal(ea?.event_id, eb?.event_id);
  assert.deepEqual(a.commitPoint(), { offset: 2n, metadata: 'v1:' });
});

test('offset metadata round-trips as ranges; foreign metadata is none', () => {
  assert.equal(encodeOffsets([7n, 3n, 4n, 5n, 9n]), 'v1:3-5,7,9');
  assert.deepEqual(decodeOffsets('v1:3-5,7,9'), [3n, 4n, 5n, 7n, 9n]);
  assert.deepEqual(decodeOffsets(''), []);
  assert.deepEqual(decodeOffsets('something else'), []);
  assert.deepEqual(decodeOffsets('v1:3-x'), []);
});
