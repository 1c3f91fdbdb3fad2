import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Subscription } from '@herald/subscriptions';
import { passesFilter, priorityIndex } from './filters.js';

function sub(event: string, event_config: Record<string, unknown> = {}, uuid = 'n1'): Subscription {
  return {
    uuid,
    repository: 'ns/app',
    event,
    method: 'webhook',
    event_config,
    title: null,
    number_of_failures: 0,
    disabled: false,
    created_by: 'alice',
    version: 1,
  };
}

test('build ref-regex: absent or empty always fires', () => {
  assert.equal(passesFilter(sub('build_start'), { kind: 'build_start' }), true);
  assert.equal(passesFilter(sub('build_start', { 'ref-regex': '' }), { kind: 'build_start' }), true);
});

test('build ref-regex: matches only at the start of the ref', () => {
  const s = sub('build_success', { 'ref-regex': 'refs/heads/ma' });
  assert.equal(passesFilter(s, { kind: 'build_success', ref: 'refs/heads/main' }), true);
  assert.equal(passesFilter(s, { kind: 'build_success', ref: 'x/refs/heads/main' }), false);
  const t = sub('build_failure', { 'ref-regex': 'heads/.*' });
  assert.equal(passesFilter(t, { kind: 'build_failure', ref: 'refs/heads/main' }), false);
});

test('build ref-regex: no ref never fires', () => {
  assert.equal(passesFilter(sub('build_queued', { 'ref-regex': '.*' }), { kind: 'build_queued' }), false);
});

test('build ref-regex: a pattern that does not compile never fires', () => {
  assert.equal(passesFilter(sub('build_start', { 'ref-regex': '(' }), { kind: 'build_start', ref: '(' }), false);
});

test('vulnerability level threshold, numbers and numeric strings', () => {
  const high = sub('vulnerability_found', { level: 1 });
  assert.equal(passesFilter(high, { kind: 'vulnerability_found', priorityIndex: 0 }), true);
  assert.equal(passesFilter(high, { kind: 'vulnerability_found', priorityIndex: 1 }), true);
  assert.equal(passesFilter(high, { kind: 'vulnerability_found', priorityIndex: 2 }), false);
  const str = sub('vulnerability_found', { level: '2' });
  assert.equal(passesFilter(str, { kind: 'vulnerability_found', priorityIndex: 2 }), true);
  assert.equal(passesFilter(str, { kind: 'vulnerability_found', priorityIndex: 3 }), false);
  assert.equal(passesFilter(sub('vulnerability_found'), { kind: 'vulnerability_found', priorityIndex: 5 }), true);
  // Quay: an event from a new index report skips the level filter.
  assert.equal(passesFilter(high, { kind: 'vulnerability_found', priorityIndex: 4, newIndexReport: true }), true);
  assert.equal(passesFilter(high, { kind: 'vulnerability_found', priorityIndex: 4, newIndexReport: false }), false);
});

test('priority names map to indexes', () => {
  assert.equal(priorityIndex('Critical'), 0);
  assert.equal(priorityIndex('medium'), 2);
  assert.equal(priorityIndex('Unknown'), 5);
  assert.equal(priorityIndex('bogus'), 5);
});

test('image expiry fires only for the named notification', () => {
  const s = sub('repo_image_expiry', { days: 7 }, 'target');
  assert.equal(passesFilter(s, { kind: 'repo_image_expiry', targetUuid: 'target' }), true);
  assert.equal(passesFilter(s, { kind: 'repo_image_expiry', targetUuid: 'other' }), false);
  assert.equal(passesFilter(s, { kind: 'repo_image_expiry' }), false);
});

test('other events always fire', () => {
  assert.equal(passesFilter(sub('repo_push', { level: 0 }), { kind: 'repo_push' }), true);
});

test('tag filter on repo_push: fires when at least one tag matches a glob, never for no tags', () => {
  const s = sub('repo_push', { 'tag-glob': ['v1.*', 'latest'] });
  assert.equal(passesFilter(s, { kind: 'repo_push', tags: ['dev', 'v1.2'] }), true);
  assert.equal(passesFilter(s, { kind: 'repo_push', tags: ['latest'] }), true);
  assert.equal(passesFilter(s, { kind: 'repo_push', tags: ['dev', 'v2.0', 'v1'] }), false);
  assert.equal(passesFilter(s, { kind: 'repo_push', tags: [] }), false);
  assert.equal(passesFilter(s, { kind: 'repo_push' }), false);
  assert.equal(passesFilter(sub('repo_push'), { kind: 'repo_push', tags: [] }), true, 'no filter: always fires');
});

test('tag filter by regex matches whole tags', () => {
  const s = sub('repo_push', { 'tag-regex': 'v[0-9]+' });
  assert.equal(passesFilter(s, { kind: 'repo_push', tags: ['v1.0', 'prod-v1'] }), false);
  assert.equal(passesFilter(s, { kind: 'repo_push', tags: ['v1.0', 'v12'] }), true);
});

test('vulnerability_found: the level and the tag filter must both pass (a new index report skips only the level)', () => {
  const s = sub('vulnerability_found', { level: 1, 'tag-glob': ['prod*'] });
  assert.equal(passesFilter(s, { kind: 'vulnerability_found', priorityIndex: 0, tags: ['prod-1'] }), true);
  assert.equal(passesFilter(s, { kind: 'vulnerability_found', priorityIndex: 0, tags: ['dev'] }), false);
  assert.equal(passesFilter(s, { kind: 'vulnerability_found', priorityIndex: 3, tags: ['prod-1'] }), false);
  assert.equal(passesFilter(s, { kind: 'vulnerability_found', priorityIndex: 3, newIndexReport: true, tags: ['prod-1'] }), true);
  assert.equal(passesFilter(s, { kind: 'vulnerability_found', priorityIndex: 3, newIndexReport: true, tags: ['dev'] }), false);
});

test('repo_image_expiry: the targeted notification only, and only when one of its tags matches its filter', () => {
  const s = sub('repo_image_expiry', { days: 7, 'tag-regex': 'release-.*' }, 'target');
  assert.equal(passesFilter(s, { kind: 'repo_image_expiry', targetUuid: 'target', tags: ['release-1', 'tmp'] }), true);
  assert.equal(passesFilter(s, { kind: 'repo_image_expiry', targetUuid: 'target', tags: ['tmp'] }), false);
  assert.equal(passesFilter(s, { kind: 'repo_image_expiry', targetUuid: 'other', tags: ['release-1'] }), false);
});

test('kinds without tags ignore a tag filter stored on them', () => {
  assert.equal(passesFilter(sub('repo_mirror_sync_failed', { 'tag-glob': ['x'] }), { kind: 'repo_mirror_sync_failed' }), true);
  assert.equal(passesFilter(sub('quota_warning', { 'tag-regex': 'x' }), { kind: 'quota_warning' }), true);
});
