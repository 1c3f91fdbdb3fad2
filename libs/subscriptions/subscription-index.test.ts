import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SubscriptionIndex } from './subscription-index.js';
import type { Subscription } from './notification.js';

function sub(over: Partial<Subscription> = {}): Subscription {
  return {
    uuid: 'u1',
    repository: 'ns/app',
    event: 'repo_push',
    method: 'webhook',
    event_config: {},
    title: null,
    number_of_failures: 0,
    disabled: false,
    created_by: 'alice',
    version: 1,
    ...over,
  };
}

test('looks up by repository and event', () => {
  const ix = new SubscriptionIndex();
  ix.upsert(sub());
  ix.upsert(sub({ uuid: 'u2', event: 'build_failure' }));
  ix.upsert(sub({ uuid: 'u3', repository: 'ns/other' }));
  assert.deepEqual(ix.forEvent('ns/app', 'repo_push').map((s) => s.uuid), ['u1']);
  assert.deepEqual(ix.forEvent('ns/app', 'build_failure').map((s) => s.uuid), ['u2']);
  assert.deepEqual(ix.forEvent('ns/nothing', 'repo_push'), []);
  assert.equal(ix.size, 3);
});

test('an older version never overwrites a newer one', () => {
  const ix = new SubscriptionIndex();
  ix.upsert(sub({ version: 3, disabled: true }));
  assert.equal(ix.upsert(sub({ version: 2, disabled: false })), false);
  assert.equal(ix.get('u1')?.disabled, true);
});

test('a delete wins over a replayed older upsert', () => {
  const ix = new SubscriptionIndex();
  ix.upsert(sub({ version: 1 }));
  ix.remove('u1', 2);
  assert.equal(ix.upsert(sub({ version: 1 })), false);
  assert.equal(ix.get('u1'), undefined);
  assert.deepEqual(ix.forEvent('ns/app', 'repo_push'), []);
});

test('an update that changes the event moves it between buckets', () => {
  const ix = new SubscriptionIndex();
  ix.upsert(sub({ version: 1 }));
  ix.upsert(sub({ version: 2, event: 'build_start' }));
  assert.deepEqual(ix.forEvent('ns/app', 'repo_push'), []);
  assert.equal(ix.forEvent('ns/app', 'build_start').length, 1);
});

test('answers are reused until their (repository, event) changes, and always current', () => {
  const ix = new SubscriptionIndex();
  ix.upsert(sub());
  const first = ix.forEvent('ns/app', 'repo_push');
  assert.equal(ix.forEvent('ns/app', 'repo_push'), first, 'the same array while nothing changed');
  ix.upsert(sub({ uuid: 'u2' }));
  assert.deepEqual(ix.forEvent('ns/app', 'repo_push').map((s) => s.uuid), ['u1', 'u2'], 'a new subscription shows');
  ix.upsert(sub({ disabled: true, version: 2 }));
  assert.equal(ix.forEvent('ns/app', 'repo_push').find((s) => s.uuid === 'u1')?.disabled, true, 'an update shows');
  ix.upsert(sub({ uuid: 'u2', event: 'build_failure', version: 2 }));
  assert.deepEqual(ix.forEvent('ns/app', 'repo_push').map((s) => s.uuid), ['u1'], 'moved to another event');
  assert.deepEqual(ix.forEvent('ns/app', 'build_failure').map((s) => s.uuid), ['u2']);
  ix.remove('u1', 3);
  assert.deepEqual(ix.forEvent('ns/app', 'repo_push'), [], 'a removal shows');
});
