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
