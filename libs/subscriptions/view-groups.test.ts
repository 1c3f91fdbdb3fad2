import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { viewGroupCreatedAt, viewGroupId } from './view-groups.js';

test('a view group names its prefix and creation time; only its own prefix matches', () => {
  const at = Date.UTC(2026, 11, 1, 12);
  const id = viewGroupId('router-view', at);
  assert.equal(viewGroupCreatedAt('router-view', id), at);
  assert.equal(viewGroupCreatedAt('router', id), undefined, 'a shorter prefix does not claim it');
  assert.equal(viewGroupCreatedAt('router-view-2', id), undefined);
  assert.equal(viewGroupCreatedAt('router-view', `router-view-${randomUUID()}`), 0, 'older names: age unknown');
  assert.equal(viewGroupCreatedAt('router', `router-view-${randomUUID()}`), undefined, 'another prefix\'s older name is not a time');
  assert.equal(viewGroupCreatedAt('router-view', 'router-view'), undefined);
  assert.equal(viewGroupCreatedAt('router-view', 'router-view-other-group'), undefined);
  assert.equal(viewGroupCreatedAt('router-view', `router-view-x-${randomUUID()}-y`), undefined);
});
