// Namespace-wide and registry-wide notifications through the API: every route of the two scopes
// (and Quay's spellings), who may use them, that a uuid never crosses scopes, and — with a router
// process on the config API's database and change feed — that what the API creates routes: a
// repository first seen after the subscription, one job per subscription at three scopes.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { sampleEvent, type RepositoryEvent } from '@herald/events';
import { startConfigApi, type RunningConfigApi } from '../helpers/config-api.js';
import { TEST_SUPERUSER, testToken } from '../helpers/tokens.js';
import { eventually } from '../helpers/wait.js';
import { RouterFixture } from '../support/router-fixture.js';

const NS = `scopes-${randomBytes(4).toString('hex')}`;
const OTHER = `${NS}-other`;
const ORG = `/api/v1/organization/${NS}/notification`;
const USER = '/api/v1/user/namespacenotifications';
const SU = '/api/v1/superuser/notification';
const HOOK = { event: 'repo_push', method: 'webhook', config: { url: 'http://127.0.0.1:9/scopes' }, eventConfig: {} };

let api: RunningConfigApi;
const fx = new RouterFixture();
const tok: Record<string, string> = {};
/** Registry-wide notifications go on the one change feed every later router replays: all are deleted at the end. */
const registryWide = new Set<string>();

async function create(path: string, token: string, body: Record<string, unknown> = HOOK): Promise<string> {
  const r = await api.request<{ uuid: string; signing_secret?: string }>('POST', `${path}/`, { token, body });
  assert.equal(r.status, 201, `${path}: ${r.text}`);
  assert.match(r.body.signing_secret ?? '', /^whsec_/);
  if (path === SU) registryWide.add(r.body.uuid);
  fx.uuids.add(r.body.uuid);
  return r.body.uuid;
}

before(async () => {
  api = await startConfigApi();
  await fx.setup(api.db.name);
  tok['nsAdmin'] = await testToken('nadia', { grants: [`${NS}/*:admin`] });
  tok['repoAdmin'] = await testToken('rita', { grants: [`${NS}/app:admin`, `${NS}/x:*`] });
  tok['pushOnly'] = await testToken('pete', { grants: [`${NS}/*:pull,push`] });
  tok['otherNsAdmin'] = await testToken('otto', { grants: [`${OTHER}/*:admin`] });
  tok['superuser'] = await testToken(TEST_SUPERUSER);
  // The user namespace is the token's subject.
  tok['nsUser'] = await testToken(NS, { grants: [`${NS}/*:admin`] });
  tok['userWithoutGrant'] = await testToken(NS);
  tok['expired'] = await testToken('nadia', { grants: [`${NS}/*:admin`], ttlSeconds: -3600 });
});

after(async () => {
  for (const uuid of registryWide) await api?.request('DELETE', `${SU}/${uuid}`, { token: tok['superuser'] }).catch(() => undefined);
  await fx.teardown().catch(() => undefined);
  await api?.stop();
});

/** Create, list, get, edit, reset, test, attempts, re-drive and delete through one scope's routes. */
async function lifecycle(path: string, token: string, expectStored: Record<string, unknown>): Promise<void> {
  const uuid = await create(path, token, { ...HOOK, title: 'first' });
  const stored = await api.db.db.collection('notifications').findOne({ uuid }, { projection: { _id: 0, repository: 1, scope: 1, namespace: 1 } });
  assert.deepEqual(stored, expectStored);

  const list = await api.request<{ notifications: Array<{ uuid: string; config: { url: string } }> }>('GET', `${path}/`, { token });
  assert.equal(list.status, 200, list.text);
  assert.ok(list.body.notifications.some((n) => n.uuid === uuid));

  const one = await api.request<{ uuid: string; title: string; version: number; signing_secret?: string }>('GET', `${path}/${uuid}`, { token });
  assert.equal(one.status, 200, one.text);
  assert.equal(one.body.title, 'first');
  assert.equal(one.body.signing_secret, undefined);

  const edited = await api.request<{ title: string; version: number; signing_secret?: string }>('PUT', `${path}/${uuid}`, {
    token,
    body: { ...HOOK, title: 'second', version: one.body.version, rotate_secret: true, secret_overlap_seconds: 0 },
  });
  assert.equal(edited.status, 200, edited.text);
  assert.equal(edited.body.title, 'second');
  assert.equal(edited.body.version, one.body.version + 1);
  assert.match(edited.body.signing_secret ?? '', /^whsec_/);
  const stale = await api.request('PUT', `${path}/${uuid}`, { token, body: { ...HOOK, version: one.body.version } });
  assert.equal(stale.status, 409, stale.text);

  await api.db.db.collection('notifications').updateOne({ uuid }, { $set: { number_of_failures: 3, disabled: true, disabled_reason: 'test' } });
  const reset = await api.request('POST', `${path}/${uuid}`, { token });
  assert.equal(reset.status, 204, reset.text);
  const afterReset = await api.request<{ number_of_failures: number; disabled: boolean }>('GET', `${path}/${uuid}`, { token });
  assert.deepEqual([afterReset.body.number_of_failures, afterReset.body.disabled], [0, false]);

  const tested = await api.request('POST', `${path}/${uuid}/test`, { token });
  assert.equal(tested.status, 200, tested.text);
  assert.deepEqual(tested.body, {});
  assert.match(tested.headers.get('x-herald-delivery-id') ?? '', /.+/);
  // The test job (read back from the job topic) names a repository the scope covers.
  const job = await eventually(() => {
    const j = fx.jobsFor(uuid).find((m) => m.value.test);
    assert.ok(j, 'test job');
    return j;
  }, 15_000, 100);
  assert.notEqual(job.value.repository, '');
  if (expectStored['scope'] === 'namespace') assert.equal(job.value.event.namespace, expectStored['namespace']);

  const attempts = await api.request<{ attempts: unknown[] }>('GET', `${path}/${uuid}/attempts`, { token });
  assert.equal(attempts.status, 200, attempts.text);
  assert.ok(Array.isArray(attempts.body.attempts));
  const redrive = await api.request<{ found: number }>('POST', `${path}/${uuid}/redrive`, { token });
  assert.equal(redrive.status, 200, redrive.text);
  assert.equal(redrive.body.found, 0);

  const deleted = await api.request('DELETE', `${path}/${uuid}`, { token });
  assert.equal(deleted.status, 204, deleted.text);
  assert.equal((await api.request('GET', `${path}/${uuid}`, { token })).status, 404);
  assert.equal((await api.request('DELETE', `${path}/${uuid}`, { token })).status, 404);
  registryWide.delete(uuid);
}

test('namespace routes: create, list, get, edit, reset, test, attempts, re-drive, delete; stored as a namespace notification', { timeout: 60_000 }, async () => {
  await lifecycle(ORG, tok['nsAdmin']!, { repository: '', scope: 'namespace', namespace: NS });
});

test('registry-wide routes: the same for the superuser; stored as a registry notification', { timeout: 60_000 }, async () => {
  await lifecycle(SU, tok['superuser']!, { repository: '', scope: 'registry' });
});

test("the user namespace (the token's subject) under Quay's path, and Quay's plural organization path, address the same notifications", { timeout: 60_000 }, async () => {
  await lifecycle(USER, tok['nsUser']!, { repository: '', scope: 'namespace', namespace: NS });
  const uuid = await create(ORG, tok['nsAdmin']!);
  const viaUser = await api.request<{ notifications: Array<{ uuid: string }> }>('GET', `${USER}/`, { token: tok['nsUser'] });
  assert.ok(viaUser.body.notifications.some((n) => n.uuid === uuid));
  const quayPlural = `/api/v1/organization/${NS}/notifications`;
  const viaPlural = await api.request<{ notifications: Array<{ uuid: string }> }>('GET', quayPlural, { token: tok['nsAdmin'] });
  assert.equal(viaPlural.status, 200, viaPlural.text);
  assert.ok(viaPlural.body.notifications.some((n) => n.uuid === uuid));
  assert.equal((await api.request('GET', `${quayPlural}/${uuid}`, { token: tok['nsAdmin'] })).status, 200);
  // Not in the repository lists of the namespace, nor in the registry-wide list.
  const repoList = await api.request<{ notifications: Array<{ uuid: string }> }>('GET', `/api/v1/repository/${NS}/app/notification/`, { token: tok['superuser'] });
  assert.ok(!repoList.body.notifications.some((n) => n.uuid === uuid));
  const suList = await api.request<{ notifications: Array<{ uuid: string }> }>('GET', `${SU}/`, { token: tok['superuser'] });
  assert.ok(!suList.body.notifications.some((n) => n.uuid === uuid));
  assert.equal((await api.request('DELETE', `${ORG}/${uuid}`, { token: tok['nsAdmin'] })).status, 204);
});

test('authorization matrix: namespace routes need an admin grant on ns/*, registry-wide routes the superuser', { timeout: 60_000 }, async () => {
  const nsUuid = await create(ORG, tok['nsAdmin']!);
  const suUuid = await create(SU, tok['superuser']!);
  const DENIED = { ...HOOK, title: 'denied' };
  const ops = (base: string, uuid: string): Array<[string, string, unknown?]> => [
    ['GET', `${base}/`],
    ['POST', `${base}/`, DENIED],
    ['GET', `${base}/${uuid}`],
    ['PUT', `${base}/${uuid}`, DENIED],
    ['DELETE', `${base}/${uuid}`],
    ['POST', `${base}/${uuid}`],
    ['POST', `${base}/${uuid}/test`],
    ['GET', `${base}/${uuid}/attempts`],
    ['POST', `${base}/${uuid}/redrive`],
  ];
  const denied: Array<[string | undefined, number, string, string, unknown?][]> = [];
  const expect = (token: string | undefined, status: number, base: string, uuid: string) => denied.push(ops(base, uuid).map((o) => [token, status, ...o] as [string | undefined, number, string, string, unknown?]));
  for (const who of ['repoAdmin', 'pushOnly', 'otherNsAdmin']) expect(tok[who], 403, ORG, nsUuid);
  expect(undefined, 401, ORG, nsUuid);
  expect(tok['expired'], 401, ORG, nsUuid);
  expect(tok['userWithoutGrant'], 403, USER, nsUuid);
  expect(undefined, 401, USER, nsUuid);
  for (const who of ['nsAdmin', 'repoAdmin', 'nsUser']) expect(tok[who], 403, SU, suUuid);
  expect(undefined, 401, SU, suUuid);
  const wrong: string[] = [];
  for (const [token, status, method, path, body] of denied.flat()) {
    const r = await api.request(method, path, { token, body });
    if (r.status !== status) wrong.push(`${method} ${path} → ${r.status}, expected ${status}: ${r.text.slice(0, 120)}`);
  }
  assert.deepEqual(wrong, []);
  // A 403 or 401 changed nothing; the allowed callers still see both.
  for (const token of [tok['nsAdmin'], tok['nsUser'], tok['superuser']]) {
    const path = token === tok['nsUser'] ? USER : ORG;
    assert.equal((await api.request('GET', `${path}/${nsUuid}`, { token })).status, 200);
  }
  assert.equal((await api.request('GET', `${SU}/${suUuid}`, { token: tok['superuser'] })).status, 200);
  assert.equal(await api.db.db.collection('notifications').countDocuments({ title: 'denied' }), 0, 'no refused body reached the store');
  for (const [path, uuid] of [
    [ORG, nsUuid],
    [SU, suUuid],
  ] as const) {
    assert.equal((await api.request('DELETE', `${path}/${uuid}`, { token: tok['superuser'] })).status, 204);
  }
  registryWide.delete(suUuid);
});

test('a uuid never crosses scopes: another namespace, the registry, a repository of the namespace', { timeout: 60_000 }, async () => {
  const nsUuid = await create(ORG, tok['nsAdmin']!);
  const otherUuid = await create(`/api/v1/organization/${OTHER}/notification`, tok['otherNsAdmin']!);
  const suUuid = await create(SU, tok['superuser']!);
  const repoUuid = await create(`/api/v1/repository/${NS}/app/notification`, tok['repoAdmin']!);
  const attempts: Array<[string, string, string | undefined]> = [
    // A namespace admin cannot reach the registry-wide one or another namespace's through its own namespace…
    [`${ORG}/${suUuid}`, 'nsAdmin', undefined],
    [`${ORG}/${otherUuid}`, 'nsAdmin', undefined],
    [`${ORG}/${repoUuid}`, 'nsAdmin', undefined],
    // …nor the superuser a namespace or repository one through the registry routes, or the other way round.
    [`${SU}/${nsUuid}`, 'superuser', undefined],
    [`${SU}/${repoUuid}`, 'superuser', undefined],
    [`/api/v1/repository/${NS}/app/notification/${nsUuid}`, 'superuser', undefined],
    [`/api/v1/repository/${NS}/app/notification/${suUuid}`, 'superuser', undefined],
    [`/api/v1/organization/${OTHER}/notification/${nsUuid}`, 'superuser', undefined],
  ];
  for (const [path, who] of attempts) {
    for (const [method, body] of [
      ['GET', undefined],
      ['PUT', { ...HOOK, title: 'hijack' }],
      ['POST', undefined],
      ['DELETE', undefined],
    ] as const) {
      const r = await api.request(method, path, { token: tok[who], body });
      assert.equal(r.status, 404, `${who} ${method} ${path}: ${r.text}`);
    }
    assert.equal((await api.request('POST', `${path}/test`, { token: tok[who] })).status, 404, `${who} test ${path}`);
  }
  const titles = await api.db.db.collection('notifications').find({ uuid: { $in: [nsUuid, otherUuid, suUuid, repoUuid] } }).toArray();
  assert.equal(titles.length, 4, 'nothing deleted');
  assert.ok(titles.every((d) => d['title'] !== 'hijack'), 'nothing edited');
  for (const [path, uuid] of [
    [ORG, nsUuid],
    [`/api/v1/organization/${OTHER}/notification`, otherUuid],
    [SU, suUuid],
    [`/api/v1/repository/${NS}/app/notification`, repoUuid],
  ] as const) {
    assert.equal((await api.request('DELETE', `${path}/${uuid}`, { token: tok['superuser'] })).status, 204, path);
  }
  registryWide.delete(suUuid);
});

test('namespace names are validated like a repository’s namespace; email is refused outside repository scope; 405 and 404 as for repositories', async () => {
  for (const bad of ['Acme', 'a_', '-a', 'a%2Fb', 'x'.repeat(300)]) {
    const r = await api.request<{ field: string }>('GET', `/api/v1/organization/${bad}/notification/`, { token: tok['superuser'] });
    assert.equal(r.status, 400, `${bad}: ${r.text}`);
    assert.equal(r.body.field, 'namespace', bad);
  }
  const badUser = await api.request('GET', `${USER}/`, { token: await testToken('Not A Namespace', { grants: ['Not A Namespace/*:admin'] }) });
  assert.equal(badUser.status, 403, badUser.text);
  for (const path of [ORG, SU]) {
    const r = await api.request<{ field: string }>('POST', `${path}/`, { token: tok['superuser'], body: { ...HOOK, method: 'email', config: { email: 'ops@example.com' } } });
    assert.equal(r.status, 400, r.text);
    assert.equal(r.body.field, 'method');
    const invalid = await api.request<{ field: string }>('POST', `${path}/`, { token: tok['superuser'], body: { ...HOOK, config: { url: 'ftp://x' } } });
    assert.equal(invalid.status, 400, invalid.text);
    assert.equal(invalid.body.field, 'config.url');
  }
  assert.equal(await api.db.db.collection('notifications').countDocuments({ method: 'email' }), 0);
  const allow = async (method: string, path: string, allowed: string | null) => {
    const r = await api.request(method, path, { token: tok['superuser'] });
    assert.equal(r.status, allowed === null ? 404 : 405, `${method} ${path}: ${r.text}`);
    if (allowed !== null) assert.equal(r.headers.get('allow'), allowed, `${method} ${path}`);
  };
  for (const base of [ORG, `/api/v1/organization/${NS}/notifications`, SU, USER]) {
    await allow('PATCH', `${base}/`, 'GET, POST');
    await allow('DELETE', `${base}/`, 'GET, POST');
    await allow('PATCH', `${base}/some-uuid`, 'GET, POST, PUT, DELETE');
    await allow('GET', `${base}/some-uuid/test`, 'POST');
    await allow('POST', `${base}/some-uuid/attempts`, 'GET');
    await allow('GET', `${base}/some-uuid/redrive`, 'POST');
    await allow('GET', `${base}/some-uuid/nothing`, null);
  }
  await allow('GET', `/api/v1/organization/${NS}`, null);
  await allow('GET', `/api/v1/organization/${NS}/other/`, null);
  await allow('GET', '/api/v1/superuser/other', null);
  // The in-app routes under /api/v1/user/ keep their own answers.
  assert.equal((await api.request('GET', '/api/v1/user/notifications', { token: tok['nsAdmin'] })).status, 200);
});

const push = (repository: string): RepositoryEvent => sampleEvent('repo_push', { repository, body: { updated_tags: ['v1'] } });

test('what the API creates routes: a repository first seen after the namespace subscription; the same receiver at three scopes gets one job per subscription', { timeout: 120_000 }, async () => {
  await fx.startRouter();
  const byScope = {
    repository: await create(`/api/v1/repository/${NS}/app/notification`, tok['repoAdmin']!),
    namespace: await create(ORG, tok['nsAdmin']!),
    registry: await create(SU, tok['superuser']!),
    otherNamespace: await create(`/api/v1/organization/${OTHER}/notification`, tok['otherNsAdmin']!),
  };
  const jobsOf = (uuid: string, ev: RepositoryEvent) => fx.jobsFor(uuid).filter((j) => j.value.event.event_id === ev.event_id);
  // The router applies the feed asynchronously: push until the last one created routes.
  let ev: RepositoryEvent | undefined;
  await eventually(async () => {
    ev = push(`${NS}/app`);
    await fx.events.publish(ev);
    await eventually(() => assert.equal(jobsOf(byScope.registry, ev!).length, 1), 3_000, 100);
  }, 60_000, 0);
  await eventually(() => {
    for (const [scope, uuid] of Object.entries(byScope).filter(([s]) => s !== 'otherNamespace')) assert.equal(jobsOf(uuid, ev!).length, 1, scope);
  }, 10_000, 100);

  const fresh = `${NS}/first-seen-${randomBytes(3).toString('hex')}`;
  const later = push(fresh);
  await fx.events.publish(later);
  await eventually(() => {
    assert.equal(jobsOf(byScope.namespace, later).length, 1, 'namespace');
    assert.equal(jobsOf(byScope.registry, later).length, 1, 'registry');
  }, 20_000, 100);
  const job = jobsOf(byScope.namespace, later)[0]!;
  assert.equal(job.value.repository, fresh);
  assert.equal(jobsOf(byScope.repository, later).length, 0, 'the repository subscription is for its repository only');
  assert.equal(jobsOf(byScope.otherNamespace, later).length + jobsOf(byScope.otherNamespace, ev!).length, 0, 'another namespace');

  // Deleted through the API: the router stops routing to it.
  assert.equal((await api.request('DELETE', `${ORG}/${byScope.namespace}`, { token: tok['nsAdmin'] })).status, 204);
  assert.equal((await api.request('DELETE', `${SU}/${byScope.registry}`, { token: tok['superuser'] })).status, 204);
  registryWide.delete(byScope.registry);
  let last: RepositoryEvent | undefined;
  await eventually(async () => {
    last = push(`${NS}/app`);
    await fx.events.publish(last);
    await eventually(() => assert.equal(jobsOf(byScope.repository, last!).length, 1), 3_000, 100);
    assert.equal(jobsOf(byScope.registry, last).length + jobsOf(byScope.namespace, last).length, 0, 'deleted scopes still routed');
  }, 60_000, 0);

  // Every subscription got at most one job per event.
  const seen = new Map<string, number>();
  for (const j of fx.jobs.messages.filter((m) => !m.value.test)) {
    const k = `${j.key} ${j.value.event.event_id}`;
    seen.set(k, (seen.get(k) ?? 0) + 1);
  }
  assert.deepEqual([...seen].filter(([, count]) => count > 1), []);
});
