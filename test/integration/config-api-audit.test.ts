// Issue 17, audit log, against the real stack: every create, edit, delete, reset, test, re-drive and
// e-mail authorization change is one entry with its actor, target and changes; no secret reaches the
// audit collection; pages return each entry once, newest first; who may read which log; retention.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { AUDIT_LOG_COLLECTION, AuditLog, type AuditDoc } from '@herald/store';
import { freePort } from '@herald/testing';
import { startConfigApi, type RunningConfigApi } from '../helpers/config-api.js';
import { adminToken, testToken, TEST_SUPERUSER } from '../helpers/tokens.js';
import { eventually } from '../helpers/wait.js';
import { uniqueRepo } from '../support/router-fixture.js';

interface Entry {
  id: string;
  at: string;
  actor: string;
  action: string;
  scope: { kind: string; repository?: string; namespace?: string };
  notification_uuid?: string;
  email?: string;
  changes?: Array<{ field: string; before?: unknown; after?: unknown }>;
  outcome: string;
  status?: number;
  detail?: Record<string, string | number>;
}
interface Page {
  entries: Entry[];
  next_cursor: string | null;
  field?: string;
}

const repo = uniqueRepo('audit');
const ns = repo.slice(0, repo.indexOf('/'));
const BASE = `/api/v1/repository/${repo}`;
let api: RunningConfigApi;
let alice: string;

before(async () => {
  api = await startConfigApi();
  alice = await adminToken(repo, 'alice');
});

after(async () => {
  await api?.stop();
});

const rawEntries = async (): Promise<AuditDoc[]> => api.db.db.collection<AuditDoc>(AUDIT_LOG_COLLECTION).find({}).toArray();

async function readAll(path: string, token: string, limit = 200): Promise<Entry[]> {
  const out: Entry[] = [];
  let cursor: string | null = null;
  do {
    const q: string = `?limit=${limit}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`;
    const r = await api.request<Page>('GET', `${path}${q}`, { token });
    assert.equal(r.status, 200, r.text);
    out.push(...r.body.entries);
    cursor = r.body.next_cursor;
  } while (cursor !== null);
  return out;
}

function linkCode(mail: string): string {
  const m = /http:\/\/herald\.test\/authrepoemail\?code=([A-Za-z0-9_%-]+)/.exec(mail);
  assert.ok(m, 'confirmation link in the mail');
  return decodeURIComponent(m[1] ?? '');
}

test('every action is one entry with its actor, target, changes and outcome; no secret is in the audit collection', async () => {
  const secrets: string[] = [];
  const post = async (body: unknown): Promise<{ uuid: string; signing_secret: string; version: number }> => {
    const r = await api.request<{ uuid: string; signing_secret: string; version: number }>('POST', `${BASE}/notification/`, { token: alice, body });
    assert.equal(r.status, 201, r.text);
    secrets.push(r.body.signing_secret);
    return r.body;
  };
  // A webhook URL with a basic-auth password and a token in its query: masked as in listings.
  const hook = await post({ event: 'repo_push', method: 'webhook', config: { url: 'https://bob:pa55w0rd-basic@hooks.example.com/ci?token=q-t0ken-value' }, eventConfig: {}, title: 'CI' });
  secrets.push('pa55w0rd-basic', 'q-t0ken-value');
  const edited = await api.request<{ signing_secret: string }>('PUT', `${BASE}/notification/${hook.uuid}`, {
    token: alice,
    body: {
      event: 'repo_push',
      method: 'webhook',
      config: { url: 'https://bob:n3w-pa55w0rd@hooks.example.com/ci?token=q-t0ken-value' },
      eventConfig: { 'tag-glob': ['v1.*'] },
      title: 'CI builds',
      rotate_secret: true,
      version: hook.version,
    },
  });
  assert.equal(edited.status, 200, edited.text);
  secrets.push(edited.body.signing_secret, 'n3w-pa55w0rd');
  assert.equal((await api.request('POST', `${BASE}/notification/${hook.uuid}`, { token: alice })).status, 204);
  const tested = await api.request('POST', `${BASE}/notification/${hook.uuid}/test`, { token: alice });
  assert.equal(tested.status, 200, tested.text);
  const redriven = await api.request('POST', `${BASE}/notification/${hook.uuid}/redrive`, { token: alice });
  assert.equal(redriven.status, 200, redriven.text);
  const slackToken = 'B0000AUDIT/XyZslacksecret0123456789';
  const slack = await post({ event: 'repo_push', method: 'slack', config: { url: `https://hooks.slack.com/services/T0000AUDIT/${slackToken}` }, eventConfig: {}, title: null });
  secrets.push(slackToken, 'XyZslacksecret0123456789');
  const hipchat = await post({ event: 'repo_push', method: 'hipchat', config: { room_id: '42', notification_token: 'hipchat-s3cret-token' }, eventConfig: {}, title: null });
  secrets.push('hipchat-s3cret-token');
  assert.equal((await api.request('DELETE', `${BASE}/notification/${hook.uuid}`, { token: alice })).status, 204);
  // A failed action is recorded too: a stale version is a 409.
  assert.equal((await api.request('PUT', `${BASE}/notification/${slack.uuid}`, { token: alice, body: { event: 'repo_push', method: 'slack', config: { url: 'https://hooks.slack.com/services/T1/B1/c' }, eventConfig: {}, version: 99 } })).status, 409);

  const address = `audit-${Date.now()}@example.com`;
  const emailPath = `${BASE}/authorizedemail/${encodeURIComponent(address)}`;
  assert.equal((await api.request('POST', emailPath, { token: alice })).status, 200);
  const code = linkCode((await api.smtp.waitFor((m) => m.to.includes(address))).decoded);
  secrets.push(code);
  const confirmed = await api.request('POST', '/authrepoemail', { body: `code=${encodeURIComponent(code)}`, headers: { 'content-type': 'application/x-www-form-urlencoded' } });
  assert.equal(confirmed.status, 200);
  assert.equal((await api.request('DELETE', emailPath, { token: alice })).status, 204);

  const entries = await readAll(`${BASE}/audit`, alice);
  assert.deepEqual(
    entries.map((e) => [e.action, e.notification_uuid ?? e.email, e.outcome]),
    [
      ['email_withdraw', address, 'succeeded'],
      ['email_confirm', address, 'succeeded'],
      ['email_request', address, 'succeeded'],
      ['update', slack.uuid, 'failed'],
      ['delete', hook.uuid, 'succeeded'],
      ['create', hipchat.uuid, 'succeeded'],
      ['create', slack.uuid, 'succeeded'],
      ['redrive', hook.uuid, 'succeeded'],
      ['test', hook.uuid, 'succeeded'],
      ['reset', hook.uuid, 'succeeded'],
      ['update', hook.uuid, 'succeeded'],
      ['create', hook.uuid, 'succeeded'],
    ],
  );
  const by = (action: string, target: string): Entry => entries.find((e) => e.action === action && (e.notification_uuid ?? e.email) === target) ?? assert.fail(action);
  for (const e of entries) {
    assert.equal(e.actor, e.action === 'email_confirm' ? `email:${address}` : 'alice');
    assert.deepEqual(e.scope, { kind: 'repository', repository: repo, namespace: ns });
    assert.ok(Date.now() - Date.parse(e.at) < 120_000, e.at);
  }
  assert.deepEqual(by('create', hook.uuid).changes, [
    { field: 'event', after: 'repo_push' },
    { field: 'method', after: 'webhook' },
    { field: 'title', before: null, after: 'CI' },
    { field: 'config.url', after: 'https://****:****@hooks.example.com/ci?token=****' },
    { field: 'signing_secret', after: 'generated' },
  ]);
  assert.deepEqual(by('update', hook.uuid).changes, [
    { field: 'title', before: 'CI', after: 'CI builds' },
    { field: 'config.url', before: 'https://****:****@hooks.example.com/ci?token=****', after: 'https://****:****@hooks.example.com/ci?token=****' },
    { field: 'event_config.tag-glob', after: ['v1.*'] },
    { field: 'signing_secret', after: 'rotated' },
  ]);
  assert.equal(by('update', slack.uuid).status, 409);
  assert.equal(typeof by('test', hook.uuid).detail?.['delivery_id'], 'string');
  assert.deepEqual(by('redrive', hook.uuid).detail, { found: 0, redriven: 0 });
  assert.equal(by('delete', hook.uuid).changes?.find((c) => c.field === 'title')?.before, 'CI builds');
  assert.deepEqual(by('create', hipchat.uuid).changes?.find((c) => c.field === 'config.notification_token'), { field: 'config.notification_token', after: '****' });

  const raw = JSON.stringify(await rawEntries());
  for (const s of secrets) assert.ok(!raw.includes(s), `a secret in the audit collection: ${s.slice(0, 12)}…`);
  assert.ok(!/whsec_/.test(raw), 'no signing secret');
});

test('namespace-wide and registry-wide notifications are recorded under their scope', async () => {
  const nsName = uniqueRepo('auditscope').split('/')[0] ?? '';
  const nsAdmin = await adminToken(`${nsName}/*`, 'nsadmin');
  const root = await testToken(TEST_SUPERUSER);
  const body = { event: 'repo_push', method: 'webhook', config: { url: 'https://hooks.example.com/scoped' }, eventConfig: {}, title: null };
  const nsBase = `/api/v1/organization/${nsName}/notification/`;
  const made = await api.request<{ uuid: string }>('POST', nsBase, { token: nsAdmin, body });
  assert.equal(made.status, 201, made.text);
  assert.equal((await api.request('DELETE', `${nsBase}${made.body.uuid}`, { token: nsAdmin })).status, 204);
  const wide = await api.request<{ uuid: string }>('POST', '/api/v1/superuser/notification/', { token: root, body });
  assert.equal(wide.status, 201, wide.text);
  // Registry-wide notifications route every event of every test: removed at once.
  assert.equal((await api.request('DELETE', `/api/v1/superuser/notification/${wide.body.uuid}`, { token: root })).status, 204);

  const nsLog = await readAll(`/api/v1/organization/${nsName}/audit`, nsAdmin);
  assert.deepEqual(nsLog.map((e) => [e.action, e.actor, e.notification_uuid, e.scope]), [
    ['delete', 'nsadmin', made.body.uuid, { kind: 'namespace', namespace: nsName }],
    ['create', 'nsadmin', made.body.uuid, { kind: 'namespace', namespace: nsName }],
  ]);
  const all = await readAll('/api/v1/superuser/audit', root, 3);
  const registry = all.filter((e) => e.notification_uuid === wide.body.uuid);
  assert.deepEqual(registry.map((e) => [e.action, e.actor, e.scope]), [
    ['delete', TEST_SUPERUSER, { kind: 'registry' }],
    ['create', TEST_SUPERUSER, { kind: 'registry' }],
  ]);
  assert.ok(!nsLog.some((e) => e.notification_uuid === wide.body.uuid), 'registry entries are not a namespace\'s');
});

test('when the audit log refuses the entry, the action is refused with 503 and nothing changes', async () => {
  // A real refusal from FerretDB: a unique index that the second entry of the same actor breaks.
  const opsPort = await freePort();
  const strict = await startConfigApi({ env: { OPS_PORT: String(opsPort) } });
  try {
    await strict.db.db.collection(AUDIT_LOG_COLLECTION).createIndex({ actor: 1 }, { unique: true, name: 'one_entry_per_actor' });
    const strictRepo = uniqueRepo('auditstrict');
    const token = await adminToken(strictRepo, 'carol');
    const base = `/api/v1/repository/${strictRepo}/notification/`;
    const made = await strict.request<{ uuid: string }>('POST', base, { token, body: { event: 'repo_push', method: 'webhook', config: { url: 'https://hooks.example.com/s' }, eventConfig: {}, title: null } });
    assert.equal(made.status, 201, made.text);
    const refused = await strict.request<{ status: number }>('DELETE', `${base}${made.body.uuid}`, { token });
    assert.equal(refused.status, 503, refused.text);
    assert.equal((await strict.request('GET', `${base}${made.body.uuid}`, { token })).status, 200, 'not deleted');
    const entries = await strict.db.db.collection<AuditDoc>(AUDIT_LOG_COLLECTION).find({}).toArray();
    assert.deepEqual(entries.map((e) => [e.action, e.outcome]), [['create', 'succeeded']]);
    const metrics = await (await fetch(`http://127.0.0.1:${opsPort}/metrics`)).text();
    assert.match(metrics, /herald_audit_write_failures_total\{stage="begin"[^}]*\} 1\n/);
  } finally {
    await strict.stop();
  }
});

test('pages return every entry once, newest first; limit and cursor are checked', async () => {
  const pagedRepo = uniqueRepo('auditpage');
  const log = new AuditLog(api.db.db);
  const t0 = Date.now() - 60_000;
  // Three entries share each millisecond: the id orders them.
  for (let i = 0; i < 30; i++) {
    await log.begin({ actor: `u${i}`, action: 'reset', scope: { kind: 'repository', repository: pagedRepo }, notification_uuid: `n${i}` }, new Date(t0 + Math.floor(i / 3)));
  }
  const token = await adminToken(pagedRepo);
  const path = `/api/v1/repository/${pagedRepo}/audit`;
  const paged = await readAll(path, token, 7);
  assert.deepEqual(
    paged.map((e) => e.actor),
    Array.from({ length: 30 }, (_, i) => `u${29 - i}`),
  );
  assert.equal(new Set(paged.map((e) => e.id)).size, 30);
  const first = await api.request<Page>('GET', path, { token });
  assert.equal(first.body.entries.length, 30, 'default page of 50 holds all');
  assert.equal(first.body.next_cursor, null);
  for (const q of ['limit=0', 'limit=201', 'limit=abc']) {
    const r = await api.request<Page>('GET', `${path}?${q}`, { token });
    assert.equal(r.status, 400, q);
    assert.equal(r.body.field, 'limit');
  }
  for (const c of ['nonsense', Buffer.from('1.abc').toString('base64url'), 'x'.repeat(65)]) {
    const r = await api.request<Page>('GET', `${path}?cursor=${c}`, { token });
    assert.equal(r.status, 400, c);
    assert.equal(r.body.field, 'cursor');
  }
});

test('a namespace log holds its own and its repositories’ entries; the superuser’s holds all; who may read which', async () => {
  const nsName = uniqueRepo('auditns').split('/')[0] ?? '';
  const other = uniqueRepo('auditother');
  const log = new AuditLog(api.db.db);
  await log.begin({ actor: 'a', action: 'create', scope: { kind: 'repository', repository: `${nsName}/one` }, notification_uuid: 'r1' });
  await log.begin({ actor: 'a', action: 'create', scope: { kind: 'repository', repository: `${nsName}/two/deep` }, notification_uuid: 'r2' });
  await log.begin({ actor: 'a', action: 'create', scope: { kind: 'namespace', namespace: nsName }, notification_uuid: 'n1' });
  await log.begin({ actor: 'a', action: 'create', scope: { kind: 'repository', repository: other }, notification_uuid: 'o1' });
  await log.begin({ actor: 'a', action: 'create', scope: { kind: 'registry' }, notification_uuid: 'g1' });

  const nsAdmin = await adminToken(`${nsName}/*`, 'nsadmin');
  const root = await testToken(TEST_SUPERUSER);
  const nsPath = `/api/v1/organization/${nsName}/audit`;
  assert.deepEqual((await readAll(nsPath, nsAdmin)).map((e) => e.notification_uuid), ['n1', 'r2', 'r1']);
  const all = (await readAll('/api/v1/superuser/audit', root)).map((e) => e.notification_uuid);
  for (const u of ['g1', 'o1', 'n1', 'r2', 'r1']) assert.ok(all.includes(u), u);
  assert.ok(all.indexOf('g1') < all.indexOf('r1'), 'newest first');
  assert.deepEqual((await readAll(`/api/v1/repository/${nsName}/one/audit`, nsAdmin)).map((e) => e.notification_uuid), ['r1'], 'ns/* covers its repositories');

  const repoAdmin = await adminToken(`${nsName}/one`, 'repoadmin');
  const stranger = await adminToken(other, 'stranger');
  const expired = await testToken(TEST_SUPERUSER, { ttlSeconds: -60 });
  const cases: Array<[string, string | undefined, number]> = [
    [nsPath, undefined, 401],
    [nsPath, expired, 401],
    [nsPath, repoAdmin, 403],
    [nsPath, stranger, 403],
    [nsPath, root, 200],
    [`/api/v1/organization/${nsName}/audit?limit=0`, stranger, 403],
    ['/api/v1/organization/Not_A_Namespace/audit', nsAdmin, 400],
    ['/api/v1/superuser/audit', undefined, 401],
    ['/api/v1/superuser/audit', nsAdmin, 403],
    [`/api/v1/repository/${nsName}/one/audit`, undefined, 401],
    [`/api/v1/repository/${nsName}/one/audit`, stranger, 403],
    [`/api/v1/repository/${nsName}/one/audit`, repoAdmin, 200],
    [`/api/v1/repository/${nsName}/one/audit`, root, 200],
  ];
  for (const [path, token, status] of cases) {
    const r = await api.request('GET', path, token === undefined ? {} : { token });
    assert.equal(r.status, status, `${path} → ${r.status} ${r.text.slice(0, 200)}`);
  }
});

test('entries past AUDIT_RETENTION_DAYS are deleted when the service starts (and hourly)', async () => {
  const oldRepo = uniqueRepo('auditold');
  const log = new AuditLog(api.db.db);
  const day = 24 * 3600 * 1000;
  await log.begin({ actor: 'a', action: 'delete', scope: { kind: 'repository', repository: oldRepo }, notification_uuid: 'old' }, new Date(Date.now() - 31 * day));
  await log.begin({ actor: 'a', action: 'delete', scope: { kind: 'repository', repository: oldRepo }, notification_uuid: 'recent' }, new Date(Date.now() - 29 * day));
  // A second replica on the same database, with a 30-day retention.
  const replica = await startConfigApi({ env: { MONGO_DB: api.db.db.databaseName, AUDIT_RETENTION_DAYS: '30' } });
  try {
    await eventually(async () => {
      const left = await api.db.db.collection<AuditDoc>(AUDIT_LOG_COLLECTION).find({ repository: oldRepo }).toArray();
      assert.deepEqual(left.map((d) => d.notification_uuid), ['recent']);
    });
  } finally {
    await replica.stop();
  }
});
