// Every route × {admin, admin of another repo, non-admin, no token, expired token, superuser}.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { InAppStore } from '@herald/store';
import { startConfigApi, type RunningConfigApi } from '../helpers/config-api.js';
import { TEST_SUPERUSER, testToken } from '../helpers/tokens.js';

const REPO = 'ns/team/app';
const BASE = `/api/v1/repository/${REPO}`;
const ROLES = ['admin', 'otherAdmin', 'nonAdmin', 'none', 'expired', 'superuser'] as const;
type Role = (typeof ROLES)[number];

const SUBJECT: Record<Role, string> = {
  admin: 'alice',
  otherAdmin: 'bob',
  nonAdmin: 'carol',
  none: 'nobody',
  expired: 'alice',
  superuser: TEST_SUPERUSER,
};

let api: RunningConfigApi;
const tokens = {} as Record<Role, string | undefined>;

before(async () => {
  api = await startConfigApi();
  tokens.admin = await testToken('alice', { grants: [`${REPO}:admin`] });
  tokens.otherAdmin = await testToken('bob', { grants: ['ns/other:admin', 'other/*:*'] });
  tokens.nonAdmin = await testToken('carol', { grants: [`${REPO}:pull,push`, 'ns/*:pull'] });
  tokens.none = undefined;
  tokens.expired = await testToken('alice', { grants: [`${REPO}:admin`], ttlSeconds: -3600 });
  tokens.superuser = await testToken(TEST_SUPERUSER);
});

after(async () => {
  await api?.stop();
});

const WEBHOOK = { event: 'repo_push', method: 'webhook', config: { url: 'https://hooks.example.com/x' }, eventConfig: {} };

/** A fresh notification in REPO (created as the superuser), for routes that consume one. */
async function freshNotification(): Promise<string> {
  const r = await api.request<{ uuid: string }>('POST', `${BASE}/notification/`, { token: tokens.superuser, body: WEBHOOK });
  assert.equal(r.status, 201, r.text);
  return r.body.uuid;
}

/** An e-mail authorization requested (not confirmed) in REPO. */
async function requestedEmail(): Promise<string> {
  const email = `u${Math.random().toString(36).slice(2, 10)}@example.com`;
  const r = await api.request('POST', `${BASE}/authorizedemail/${email}`, { token: tokens.superuser });
  assert.equal(r.status, 200, r.text);
  return email;
}

/** An in-app notification addressed to the role's subject. */
async function inAppFor(role: Role): Promise<string> {
  const store = new InAppStore(api.db.db);
  const { notification } = await store.insertInApp({
    target: { kind: 'user', name: SUBJECT[role] },
    kind: 'repo_push',
    repository: REPO,
    data: { repository: REPO, updated_tags: ['latest'] },
    delivery_id: `d-${Math.random()}`,
  });
  return notification.uuid;
}

interface Row {
  name: string;
  method: string;
  path: (role: Role) => Promise<string> | string;
  body?: unknown;
  /** Status for admin and superuser. */
  ok: number;
  /** Status for admin of another repo and non-admin; defaults to 403. */
  denied?: number;
  /** Status without a (valid) token; defaults to 401. */
  anonymous?: number;
}

const ROWS: Row[] = [
  { name: 'list notifications', method: 'GET', path: () => `${BASE}/notification/`, ok: 200 },
  { name: 'create notification', method: 'POST', path: () => `${BASE}/notification/`, body: WEBHOOK, ok: 201 },
  { name: 'get notification', method: 'GET', path: async () => `${BASE}/notification/${await freshNotification()}`, ok: 200 },
  { name: 'delete notification', method: 'DELETE', path: async () => `${BASE}/notification/${await freshNotification()}`, ok: 204 },
  { name: 'reset notification', method: 'POST', path: async () => `${BASE}/notification/${await freshNotification()}`, ok: 204 },
  { name: 'test notification', method: 'POST', path: async () => `${BASE}/notification/${await freshNotification()}/test`, ok: 200 },
  { name: 'attempt log', method: 'GET', path: async () => `${BASE}/notification/${await freshNotification()}/attempts`, ok: 200 },
  { name: 're-drive', method: 'POST', path: async () => `${BASE}/notification/${await freshNotification()}/redrive`, ok: 200 },
  { name: 'unknown uuid', method: 'GET', path: () => `${BASE}/notification/00000000-0000-4000-8000-000000000000`, ok: 404 },
  { name: 'recent refs', method: 'GET', path: () => `${BASE}/recentrefs`, ok: 200 },
  { name: 'get authorized e-mail', method: 'GET', path: async () => `${BASE}/authorizedemail/${await requestedEmail()}`, ok: 200 },
  { name: 'request authorized e-mail', method: 'POST', path: () => `${BASE}/authorizedemail/new-${Math.random().toString(36).slice(2)}@example.com`, ok: 200 },
  { name: 'remove authorized e-mail', method: 'DELETE', path: async () => `${BASE}/authorizedemail/${await requestedEmail()}`, ok: 204 },
  { name: 'list in-app notifications', method: 'GET', path: () => '/api/v1/user/notifications', ok: 200, denied: 200 },
  { name: 'get in-app notification', method: 'GET', path: async (r) => `/api/v1/user/notifications/${await inAppFor(r)}`, ok: 200, denied: 200 },
  {
    name: 'dismiss in-app notification',
    method: 'PUT',
    path: async (r) => `/api/v1/user/notifications/${await inAppFor(r)}`,
    body: { dismissed: true },
    ok: 200,
    denied: 200,
  },
  { name: 'healthz', method: 'GET', path: () => '/healthz', ok: 200, denied: 200, anonymous: 200 },
  { name: 'readyz', method: 'GET', path: () => '/readyz', ok: 200, denied: 200, anonymous: 200 },
  { name: 'openapi', method: 'GET', path: () => '/openapi.json', ok: 200, denied: 200, anonymous: 200 },
  { name: 'confirm page, unknown code', method: 'GET', path: () => '/authrepoemail?code=nope', ok: 404, denied: 404, anonymous: 404 },
];

function expected(row: Row, role: Role): number {
  if (role === 'admin' || role === 'superuser') return row.ok;
  if (role === 'otherAdmin' || role === 'nonAdmin') return row.denied ?? 403;
  return row.anonymous ?? 401;
}

for (const row of ROWS) {
  test(`${row.method} ${row.name}`, async () => {
    const got: Record<string, number> = {};
    const want: Record<string, number> = {};
    for (const role of ROLES) {
      const res = await api.request(row.method, await row.path(role), { token: tokens[role], body: row.body });
      got[role] = res.status;
      want[role] = expected(row, role);
      if (res.status === 401) assert.match(res.headers.get('www-authenticate') ?? '', /^Bearer /, `${role}: WWW-Authenticate`);
      if (res.status >= 400 && res.status !== 404 && row.name !== 'confirm page, unknown code') {
        assert.equal(typeof (res.body as { error?: unknown }).error, 'string', `${role}: error body`);
      }
    }
    assert.deepEqual(got, want);
  });
}

test('a notification of another repository is 404 at every per-uuid route, even for its admin', async () => {
  const other = await api.request<{ uuid: string }>('POST', '/api/v1/repository/ns/other/notification/', { token: tokens.superuser, body: WEBHOOK });
  assert.equal(other.status, 201);
  const u = other.body.uuid;
  const admin = tokens.admin;
  for (const [method, path] of [
    ['GET', `${BASE}/notification/${u}`],
    ['DELETE', `${BASE}/notification/${u}`],
    ['POST', `${BASE}/notification/${u}`],
    ['POST', `${BASE}/notification/${u}/test`],
    ['GET', `${BASE}/notification/${u}/attempts`],
    ['POST', `${BASE}/notification/${u}/redrive`],
  ] as const) {
    assert.equal((await api.request(method, path, { token: admin })).status, 404, `${method} ${path}`);
  }
  // …and it is untouched.
  assert.equal((await api.request('GET', `/api/v1/repository/ns/other/notification/${u}`, { token: tokens.superuser })).status, 200);
});

test('a token signed with another key, a malformed header, and a wrong method', async () => {
  const forged = (await testToken('alice', { grants: [`${REPO}:admin`] })).replace(/\.[^.]+$/, '.AAAA');
  assert.equal((await api.request('GET', `${BASE}/notification/`, { token: forged })).status, 401);
  const basic = await api.request('GET', `${BASE}/notification/`, { headers: { authorization: 'Basic YTpi' } });
  assert.equal(basic.status, 401);
  const put = await api.request('PUT', `${BASE}/notification/`, { token: tokens.admin });
  assert.equal(put.status, 405);
  assert.equal(put.headers.get('allow'), 'GET, POST');
});

test('a namespace-wide grant covers repositories with slashes; invalid repository names are 400', async () => {
  const ns = await testToken('dora', { grants: ['ns/*:admin'] });
  assert.equal((await api.request('GET', `${BASE}/notification/`, { token: ns })).status, 200);
  assert.equal((await api.request('GET', '/api/v1/repository/ns%2Fteam%2Fapp/notification/', { token: ns })).status, 200);
  const bad = await api.request<{ field: string }>('GET', '/api/v1/repository/ns/Bad!Name/notification/', { token: ns });
  assert.equal(bad.status, 400);
  assert.equal(bad.body.field, 'repository');
});
