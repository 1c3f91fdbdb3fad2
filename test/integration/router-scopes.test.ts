// Namespace-wide and registry-wide notifications through a real router process: stored in MongoDB
// (the view's bootstrap) or published on the change feed after the router started, events for
// repositories nobody subscribed to by name, one job per subscription and event.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes, randomUUID } from 'node:crypto';
import { createSchema, sampleEvent, SchemaRegistryCodec, SUBSCRIPTION_CHANGE_SCHEMA, type RepositoryEvent } from '@herald/events';
import { registryChangeCodec, toSubscription, type NewNotification, type NotificationDoc } from '@herald/subscriptions';
import { TEST_REGISTRY_URL } from '../support/job-reader.js';
import { NotificationLookup } from '@herald/delivery';
import { eventually } from '../helpers/wait.js';
import { RouterFixture } from '../support/router-fixture.js';

const fx = new RouterFixture();
const ns = `scope-${randomBytes(4).toString('hex')}`;
const otherNs = `${ns}-other`;
const n: Record<string, string> = {};

type Scope = { repository: string } | { scope: 'namespace'; namespace: string } | { scope: 'registry' };

async function notify(name: string, scope: Scope, event: string, event_config: Record<string, unknown> = {}, feed = false): Promise<NotificationDoc> {
  const where: Pick<NewNotification, 'repository' | 'scope' | 'namespace'> = 'repository' in scope ? scope : { repository: '', ...scope };
  const doc = await fx.store.insert({ uuid: randomUUID(), ...where, event, method: 'webhook', config: { url: 'https://receiver.invalid/hook' }, event_config, title: name, signing_secret: 'whsec_test', created_by: 'alice' });
  fx.uuids.add(doc.uuid);
  n[name] = doc.uuid;
  if (feed) {
    await fx.feed.upsert(doc);
    published.push(doc);
  }
  return doc;
}

// Every router of every later test replays the one change feed: a registry-wide notification left
// on it would add a job to each of their events. Whatever this file published is removed at the end.
const published: NotificationDoc[] = [];

const jobs = (name: string) => fx.jobsFor(n[name]!);
const jobsOf = (name: string, ev: RepositoryEvent) => jobs(name).filter((j) => j.value.event.event_id === ev.event_id);
const push = (repository: string) => sampleEvent('repo_push', { repository, body: { updated_tags: ['v1.2', 'dev'] } });

before(async () => {
  await fx.setup();
  // The same receiver at three scopes, plus scopes that must not fire. All stored before the router starts.
  await notify('repo', { repository: `${ns}/app` }, 'repo_push');
  await notify('ns', { scope: 'namespace', namespace: ns }, 'repo_push');
  await notify('nsTagged', { scope: 'namespace', namespace: ns }, 'repo_push', { 'tag-glob': ['v1.*'] });
  await notify('nsUntagged', { scope: 'namespace', namespace: ns }, 'repo_push', { 'tag-glob': ['release-*'] });
  await notify('nsBuild', { scope: 'namespace', namespace: ns }, 'build_success');
  await notify('nsDisabled', { scope: 'namespace', namespace: ns }, 'repo_push');
  await fx.store.disable(n['nsDisabled']!, 'test');
  await notify('otherNs', { scope: 'namespace', namespace: otherNs }, 'repo_push');
  await notify('all', { scope: 'registry' }, 'repo_push');
  await notify('allDisabled', { scope: 'registry' }, 'repo_push');
  await fx.store.disable(n['allDisabled']!, 'test');
  // Changed through the feed after the router started.
  await notify('nsToDisable', { scope: 'namespace', namespace: ns }, 'repo_push');
  await notify('allToDelete', { scope: 'registry' }, 'repo_push');
  await fx.startRouter();
});

after(async () => {
  for (const doc of published) await fx.feed.remove(doc).catch(() => undefined);
  await fx.teardown();
});

test('the store keeps scoped notifications apart from repository ones and lists them by namespace and registry', async () => {
  assert.deepEqual((await fx.store.listByRepository(`${ns}/app`)).map((d) => d.uuid), [n['repo']]);
  const byNs = (await fx.store.listByNamespace(ns)).map((d) => d.title);
  assert.deepEqual(byNs, ['ns', 'nsTagged', 'nsUntagged', 'nsBuild', 'nsDisabled', 'nsToDisable']);
  assert.deepEqual((await fx.store.listRegistryWide()).map((d) => d.title), ['all', 'allDisabled', 'allToDelete']);
  const doc = await fx.store.get(n['ns']!);
  assert.equal(doc?.scope, 'namespace');
  assert.equal(doc?.namespace, ns);
  assert.equal(doc?.repository, '');
  assert.equal((await fx.store.get(n['repo']!))?.scope, undefined, 'a repository notification is stored as before scopes');
  // Delivery services resolve a job's notification by uuid, whatever its scope.
  const lookup = new NotificationLookup({ get: () => undefined }, fx.store);
  const resolved = await lookup.resolve(n['ns']!);
  assert.equal(resolved.state, 'active');
  assert.equal(resolved.state === 'active' && resolved.doc.namespace, ns);
  assert.equal((await lookup.resolve(n['nsDisabled']!)).state, 'disabled');
  await assert.rejects(fx.store.insert({ uuid: randomUUID(), repository: `${ns}/app`, scope: 'namespace', namespace: ns, event: 'repo_push', method: 'webhook', config: {}, event_config: {}, title: null, signing_secret: '', created_by: 'a' }), { code: 'INVALID_SCOPE' });
  await assert.rejects(fx.store.insert({ uuid: randomUUID(), repository: '', scope: 'namespace', namespace: 'a/b', event: 'repo_push', method: 'webhook', config: {}, event_config: {}, title: null, signing_secret: '', created_by: 'a' }), { code: 'INVALID_SCOPE' });
});

test('an event reaches its repository, namespace and registry subscriptions, each once; disabled and filtered ones none', async () => {
  const ev = push(`${ns}/app`);
  await fx.events.publish(ev);
  await eventually(() => {
    for (const name of ['repo', 'ns', 'nsTagged', 'all', 'nsToDisable', 'allToDelete']) assert.equal(jobsOf(name, ev).length, 1, name);
  }, 20_000, 100);
  for (const name of ['nsUntagged', 'nsBuild', 'nsDisabled', 'otherNs', 'allDisabled']) assert.equal(jobs(name).length, 0, name);
  const job = jobsOf('ns', ev)[0]!;
  assert.equal(job.value.repository, `${ns}/app`, 'the job (and the body built from it) names the event repository');
  assert.deepEqual(job.value.event.body, ev.body);
  assert.notEqual(job.value.delivery_id, jobsOf('repo', ev)[0]!.value.delivery_id);
});

test('a repository first seen after the subscription was created is covered by its namespace', async () => {
  const fresh = `${ns}/first-seen-${randomBytes(3).toString('hex')}`;
  const ev = push(fresh);
  const elsewhere = push(`${otherNs}/app`);
  const build = sampleEvent('build_success', { repository: fresh });
  await fx.events.publish([ev, elsewhere, build]);
  await eventually(() => {
    for (const name of ['ns', 'nsTagged', 'all']) assert.equal(jobsOf(name, ev).length, 1, name);
    assert.equal(jobsOf('otherNs', elsewhere).length, 1, 'otherNs');
    assert.equal(jobsOf('all', elsewhere).length, 1, 'all, other namespace');
    assert.equal(jobsOf('nsBuild', build).length, 1, 'nsBuild');
  }, 20_000, 100);
  assert.equal(jobsOf('repo', ev).length, 0);
  assert.equal(jobsOf('ns', elsewhere).length, 0, 'a namespace subscription stays in its namespace');
  assert.equal(jobsOf('all', build).length, 0, 'the registry subscription is for repo_push only');
});

test('scoped notifications created, disabled and deleted through the change feed take effect in the running router', async () => {
  const disabled = await fx.store.disable(n['nsToDisable']!, 'test');
  await fx.feed.upsert(disabled!);
  const deleted = await fx.store.delete(n['allToDelete']!);
  await fx.feed.remove(deleted!);
  // Published last on the one-partition feed: once it routes, the view has applied the two changes above.
  await notify('nsLate', { scope: 'namespace', namespace: ns }, 'repo_push', {}, true);
  await notify('allLate', { scope: 'registry' }, 'repo_push', {}, true);
  let ev: RepositoryEvent | undefined;
  await eventually(async () => {
    ev = push(`${ns}/late-${randomBytes(3).toString('hex')}`);
    await fx.events.publish(ev);
    await eventually(() => assert.equal(jobsOf('allLate', ev!).length, 1), 2_000, 100);
  }, 30_000, 0);
  await eventually(() => {
    for (const name of ['ns', 'nsLate', 'all', 'allLate']) assert.equal(jobsOf(name, ev!).length, 1, name);
  }, 10_000, 100);
  assert.equal(jobsOf('nsToDisable', ev!).length, 0, 'disabled through the feed');
  assert.equal(jobsOf('allToDelete', ev!).length, 0, 'deleted through the feed');
});

test('the feed record carries the scope (a BACKWARD-compatible version); records written before scopes read as repository subscriptions', async () => {
  const registry = new SchemaRegistryCodec({ url: TEST_REGISTRY_URL, retries: 0 });
  const codec = registryChangeCodec(registry);
  for (const name of ['ns', 'all', 'repo']) {
    const doc = (await fx.store.get(n[name]!))!;
    const sub = toSubscription(doc);
    const upsert = await codec.decode(await codec.encode({ op: 'upsert', subscription: sub }));
    assert.deepEqual(upsert, { op: 'upsert', subscription: sub }, name);
    const removal = await codec.decode(await codec.encode({ op: 'delete', subscription: { ...sub, version: sub.version + 1 } }));
    assert.deepEqual([removal.op, removal.subscription.scope, removal.subscription.namespace, removal.subscription.version], ['delete', sub.scope, sub.namespace, sub.version + 1], name);
  }
  // The schema as it was before scopes, under a subject of this test (BACKWARD, as every subject).
  const before = structuredClone(SUBSCRIPTION_CHANGE_SCHEMA.definition) as { fields: { name: string }[] };
  before.fields = before.fields.filter((f) => f.name !== 'scope' && f.name !== 'namespace');
  const subject = `${ns}-changes-value`;
  await registry.register(subject, createSchema(before));
  const old = registry.encode(subject, { notification_uuid: n['repo'], op: 'upsert', repository: `${ns}/app`, changed_at: 1, version: 4, notification: { event: 'repo_push', method: 'webhook', enabled: true, event_config: '{}', number_of_failures: 0, title: null, created_by: 'alice' } });
  const read = await codec.decode(old);
  assert.equal(read.subscription.repository, `${ns}/app`);
  assert.equal(read.subscription.scope, undefined);
  assert.equal(read.subscription.version, 4);
  // The registry accepts the version with scopes over it.
  await registry.register(subject, SUBSCRIPTION_CHANGE_SCHEMA);
});

test('no subscription got two jobs for one event', () => {
  const seen = new Map<string, number>();
  for (const j of fx.jobs.messages) {
    const k = `${j.key} ${j.value.event.event_id}`;
    seen.set(k, (seen.get(k) ?? 0) + 1);
  }
  assert.ok(seen.size >= 15, `jobs read: ${seen.size}`);
  assert.deepEqual([...seen].filter(([, count]) => count > 1), []);
});
