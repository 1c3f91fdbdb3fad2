import { test } from 'node:test';
import assert from 'node:assert/strict';
import { MAX_RECENT_REF_LENGTH, mergeRecentRefs, type RecentRef } from './recent-refs-store.js';

const r = (ref: string, at: number): RecentRef => ({ ref, at: new Date(at) });
const names = (refs: RecentRef[]) => refs.map((x) => x.ref);

test('newest first, distinct, at most the limit', () => {
  const existing = [r('refs/heads/main', 50), r('refs/tags/v1', 40), r('refs/heads/old', 10)];
  const seen = [r('refs/heads/dev', 60), r('refs/heads/main', 70), r('refs/tags/v2', 65)];
  const merged = mergeRecentRefs(existing, seen, 4);
  assert.deepEqual(names(merged), ['refs/heads/main', 'refs/tags/v2', 'refs/heads/dev', 'refs/tags/v1']);
  assert.equal(merged[0]?.at.getTime(), 70, 'a ref keeps its newest time');
});

test('equal times: the later-consumed ref first; an older replay does not move a ref back', () => {
  assert.deepEqual(names(mergeRecentRefs([], [r('refs/heads/a', 5), r('refs/heads/b', 5)], 10)), ['refs/heads/b', 'refs/heads/a']);
  const state = mergeRecentRefs([], [r('refs/heads/a', 10), r('refs/heads/b', 20)], 10);
  assert.deepEqual(names(mergeRecentRefs(state, [r('refs/heads/a', 10)], 10)), ['refs/heads/b', 'refs/heads/a']);
});

test('replaying or reordering the same events gives the same list', () => {
  const events = [r('refs/heads/a', 1), r('refs/heads/b', 2), r('refs/heads/a', 3), r('refs/tags/t', 4), r('refs/heads/c', 5)];
  const once = mergeRecentRefs([], events, 3);
  assert.deepEqual(mergeRecentRefs(once, events, 3), once);
  assert.deepEqual(mergeRecentRefs(mergeRecentRefs([], events.slice(3), 3), events.slice(0, 3), 3), once);
  assert.deepEqual(names(once), ['refs/heads/c', 'refs/tags/t', 'refs/heads/a']);
});

test('empty and over-long refs are not kept', () => {
  assert.deepEqual(names(mergeRecentRefs([], [r('', 1), r(`refs/heads/${'x'.repeat(MAX_RECENT_REF_LENGTH)}`, 2), r('refs/heads/ok', 3)], 10)), ['refs/heads/ok']);
});
