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
  assert.deepEqual(ix.forRepository('ns/app', 'repo_push').map((s) => s.uuid), ['u1']);
  assert.deepEqual(ix.forRepository('ns/app', 'build_failure').map((s) => s.uuid), ['u2']);
  assert.deepEqual(ix.forRepository('ns/nothing', 'repo_push'), []);
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
  assert.deepEqual(ix.forRepository('ns/app', 'repo_push'), []);
});

test('an update that changes the event moves it between buckets', () => {
  const ix = new SubscriptionIndex();
  ix.upsert(sub({ version: 1 }));
  ix.upsert(sub({ version: 2, event: 'build_start' }));
  assert.deepEqual(ix.forRepository('ns/app', 'repo_push'), []);
  assert.equal(ix.forRepository('ns/app', 'build_start').length, 1);
});

test('answers are reused until their (repository, event) changes, and always current', () => {
  const ix = new SubscriptionIndex();
  ix.upsert(sub());
  const first = ix.forRepository('ns/app', 'repo_push');
  assert.equal(ix.forRepository('ns/app', 'repo_push'), first, 'the same array while nothing changed');
  ix.upsert(sub({ uuid: 'u2' }));
  assert.deepEqual(ix.forRepository('ns/app', 'repo_push').map((s) => s.uuid), ['u1', 'u2'], 'a new subscription shows');
  ix.upsert(sub({ disabled: true, version: 2 }));
  assert.equal(ix.forRepository('ns/app', 'repo_push').find((s) => s.uuid === 'u1')?.disabled, true, 'an update shows');
  ix.upsert(sub({ uuid: 'u2', event: 'build_failure', version: 2 }));
  assert.deepEqual(ix.forRepository('ns/app', 'repo_push').map((s) => s.uuid), ['u1'], 'moved to another event');
  assert.deepEqual(ix.forRepository('ns/app', 'build_failure').map((s) => s.uuid), ['u2']);
  ix.remove('u1', 3);
  assert.deepEqual(ix.forRepository('ns/app', 'repo_push'), [], 'a removal shows');
});

const ns = (over: Partial<Subscription> = {}): Subscription => sub({ repository: '', scope: 'namespace', namespace: 'ns', ...over });
const everywhere = (over: Partial<Subscription> = {}): Subscription => sub({ repository: '', scope: 'registry', ...over });
const uuids = (list: readonly Subscription[]) => list.map((s) => s.uuid);

test('scopes: a namespace subscription covers every repository of its namespace, a registry one every repository', () => {
  const ix = new SubscriptionIndex();
  ix.upsert(sub({ uuid: 'repo' }));
  ix.upsert(ns({ uuid: 'ns' }));
  ix.upsert(ns({ uuid: 'ns-build', event: 'build_failure' }));
  ix.upsert(ns({ uuid: 'other-ns', namespace: 'other' }));
  ix.upsert(everywhere({ uuid: 'all' }));
  // ns/app has a repository subscription; ns/first-seen-later has none and was never mentioned.
  for (const repository of ['ns/app', 'ns/first-seen-later']) {
    assert.deepEqual(uuids(ix.forNamespaceOf(repository, 'repo_push')), ['ns'], repository);
    assert.deepEqual(uuids(ix.forRegistry('repo_push')), ['all']);
  }
  assert.deepEqual(uuids(ix.forRepository('ns/app', 'repo_push')), ['repo'], 'the repository lookup holds only repository subscriptions');
  assert.deepEqual(ix.forRepository('ns/first-seen-later', 'repo_push'), []);
  assert.deepEqual(uuids(ix.forNamespaceOf('other/app', 'repo_push')), ['other-ns']);
  assert.deepEqual(uuids(ix.forNamespaceOf('ns/app', 'build_failure')), ['ns-build']);
  assert.deepEqual(ix.forNamespaceOf('nsx/app', 'repo_push'), [], 'the namespace is matched whole, not as a prefix');
  assert.deepEqual(ix.forNamespaceOf('ns', 'repo_push'), ['ns'].map((u) => ix.get(u)), 'a repository without "/" is its own namespace');
  assert.deepEqual(ix.forRegistry('build_success'), []);
  assert.equal(ix.size, 5);
});

test('scopes: no subscription is in two lookups of one event', () => {
  const ix = new SubscriptionIndex();
  ix.upsert(sub({ uuid: 'repo' }));
  ix.upsert(ns({ uuid: 'ns' }));
  ix.upsert(everywhere({ uuid: 'all' }));
  const seen = [...ix.forRepository('ns/app', 'repo_push'), ...ix.forNamespaceOf('ns/app', 'repo_push'), ...ix.forRegistry('repo_push')].map((s) => s.uuid);
  assert.deepEqual(seen.sort(), ['all', 'ns', 'repo']);
});

test('scopes: updates, disables and removals of scoped subscriptions', () => {
  const ix = new SubscriptionIndex();
  ix.upsert(ns({ uuid: 'n1' }));
  ix.upsert(everywhere({ uuid: 'r1' }));
  ix.upsert(ns({ uuid: 'n1', version: 2, disabled: true }));
  assert.equal(ix.forNamespaceOf('ns/app', 'repo_push')[0]?.disabled, true, 'an update shows');
  ix.upsert(ns({ uuid: 'n1', version: 3, namespace: 'moved' }));
  assert.deepEqual(ix.forNamespaceOf('ns/app', 'repo_push'), [], 'left its old namespace');
  assert.deepEqual(uuids(ix.forNamespaceOf('moved/app', 'repo_push')), ['n1']);
  ix.upsert(sub({ uuid: 'n1', version: 4, repository: 'moved/app' }));
  assert.deepEqual(ix.forNamespaceOf('moved/app', 'repo_push'), [], 'a namespace subscription made a repository one');
  assert.deepEqual(uuids(ix.forRepository('moved/app', 'repo_push')), ['n1']);
  ix.upsert(everywhere({ uuid: 'r1', version: 2, event: 'build_failure' }));
  assert.deepEqual(ix.forRegistry('repo_push'), []);
  assert.deepEqual(uuids(ix.forRegistry('build_failure')), ['r1']);
  assert.equal(ix.upsert(everywhere({ uuid: 'r1', version: 1 })), false, 'a replayed older upsert is ignored');
  ix.remove('r1', 3);
  ix.remove('n1', 5);
  assert.deepEqual(ix.forRegistry('build_failure'), []);
  assert.deepEqual(ix.forRepository('moved/app', 'repo_push'), []);
  assert.equal(ix.upsert(ns({ uuid: 'n1', version: 3 })), false, 'a delete wins over a replayed older upsert');
  assert.deepEqual(ix.forNamespaceOf('ns/app', 'repo_push'), []);
  assert.equal(ix.size, 0);
});

test('forEvent: the three scopes in order, each once, and current after every kind of change', () => {
  const ix = new SubscriptionIndex();
  const three = (repository: string, event: string) => uuids([...ix.forRepository(repository, event), ...ix.forNamespaceOf(repository, event), ...ix.forRegistry(event)]);
  const repos = ['ns/app', 'ns/other', 'ns/first-seen-later', 'elsewhere/app', 'ns'];
  const events = ['repo_push', 'build_failure'];
  const check = (step: string) => {
    for (const r of repos) for (const e of events) assert.deepEqual(uuids(ix.forEvent(r, e)), three(r, e), `${step}: ${r} ${e}`);
  };
  check('empty');
  ix.upsert(sub({ uuid: 'repo' }));
  check('a repository subscription only');
  ix.upsert(ns({ uuid: 'ns' }));
  check('a namespace subscription added');
  assert.deepEqual(uuids(ix.forEvent('ns/app', 'repo_push')), ['repo', 'ns']);
  ix.upsert(everywhere({ uuid: 'all' }));
  check('a registry subscription added');
  assert.deepEqual(uuids(ix.forEvent('ns/app', 'repo_push')), ['repo', 'ns', 'all']);
  assert.deepEqual(uuids(ix.forEvent('ns/first-seen-later', 'repo_push')), ['ns', 'all'], 'a repository never subscribed to');
  ix.upsert(sub({ uuid: 'repo2', repository: 'ns/other' }));
  check('a repository subscription of another repository added');
  ix.upsert(sub({ uuid: 'repo', version: 2, disabled: true }));
  check('a repository subscription disabled');
  assert.equal(ix.forEvent('ns/app', 'repo_push')[0]?.disabled, true);
  ix.upsert(ns({ uuid: 'ns', version: 2, event_config: { 'tag-glob': ['v*'] } }));
  check('a namespace subscription edited');
  assert.deepEqual(ix.forEvent('ns/other', 'repo_push')[1]?.event_config, { 'tag-glob': ['v*'] });
  ix.upsert(ns({ uuid: 'ns', version: 3, event: 'build_failure' }));
  check('a namespace subscription moved to another event');
  ix.upsert(everywhere({ uuid: 'all', version: 2, disabled: true }));
  check('a registry subscription disabled');
  ix.remove('repo', 3);
  check('a repository subscription removed');
  ix.remove('ns', 4);
  check('the namespace subscription removed');
  ix.remove('all', 3);
  check('the registry subscription removed');
  assert.deepEqual(uuids(ix.forEvent('ns/other', 'repo_push')), ['repo2']);
});

test('forEvent: answers are reused until a change touches them', () => {
  const ix = new SubscriptionIndex();
  ix.upsert(sub({ uuid: 'repo' }));
  ix.upsert(ns({ uuid: 'ns' }));
  const first = ix.forEvent('ns/app', 'repo_push');
  assert.equal(ix.forEvent('ns/app', 'repo_push'), first, 'the same array while nothing changed');
  ix.upsert(sub({ uuid: 'x', repository: 'ns/other' }));
  assert.equal(ix.forEvent('ns/app', 'repo_push'), first, 'another repository changing keeps it');
  ix.upsert(sub({ uuid: 'repo2' }));
  assert.deepEqual(uuids(ix.forEvent('ns/app', 'repo_push')), ['repo', 'repo2', 'ns'], 'its repository changing drops it');
  assert.throws(() => (ix.forEvent('ns/app', 'repo_push') as Subscription[]).push(sub()), TypeError, 'a joined answer cannot be modified');
});
