// Issue 17, edit: PUT …/notification/{uuid} against the real stack — what changes, the signing
// secret kept or rotated (shown once, never again, the previous one never), the 400s as on create,
// 401/403/404, and optimistic concurrency (409).
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { NotificationStore, type NotificationDoc } from '@herald/subscriptions';
import { startConfigApi, type RunningConfigApi } from '../helpers/config-api.js';
import { adminToken, testToken } from '../helpers/tokens.js';
import { eventually } from '../helpers/wait.js';
import { uniqueRepo } from '../support/router-fixture.js';

interface View {
  uuid: string;
  title: string | null;
  event: string;
  method: string;
  config: Record<string, unknown>;
  event_config: Record<string, unknown>;
  version: number;
  signing_secret?: string;
  error?: string;
  field?: string;
}

const repo = uniqueRepo('edit');
const BASE = `/api/v1/repository/${repo}/notification/`;
let api: RunningConfigApi;
let token: string;
let store: NotificationStore;

before(async () => {
  api = await startConfigApi();
  token = await adminToken(repo);
  store = new NotificationStore(api.db.db);
});

after(async () => {
  await api?.stop();
});

const hook = (path: string, eventConfig: Record<string, unknown> = {}, extra: Record<string, unknown> = {}) => ({
  event: 'repo_push',
  method: 'webhook',
  config: { url: `https://hooks.example.com/${path}` },
  eventConfig,
  title: null,
  ...extra,
});

async function create(body: unknown = hook('a')): Promise<View> {
  const r = await api.request<View>('POST', BASE, { token, body });
  assert.equal(r.status, 201, r.text);
  return r.body;
}

/** `t`: the token, or null for none. */
const put = (uuid: string, body: unknown, t: string | null = token) => api.request<View>('PUT', `${BASE}${uuid}`, { token: t ?? undefined, body });
const stored = async (uuid: string): Promise<NotificationDoc> => (await store.get(uuid)) ?? assert.fail('not stored');

test('PUT changes title, config and event filter, keeps the secret and the rest, and bumps the version', async () => {
  const created = await create();
  const before = await stored(created.uuid);
  const r = await put(created.uuid, hook('b', { 'tag-glob': ['v1.*', 'latest'] }, { title: '  Release hook  ', version: created.version }));
  assert.equal(r.status, 200, r.text);
  assert.equal(r.body.title, 'Release hook');
  assert.deepEqual(r.body.config, { url: 'https://hooks.example.com/b' });
  assert.deepEqual(r.body.event_config, { 'tag-glob': ['v1.*', 'latest'] });
  assert.equal(r.body.version, created.version + 1);
  assert.equal(r.body.signing_secret, undefined, 'no rotation, no secret in the response');
  const got = await api.request<View>('GET', `${BASE}${created.uuid}`, { token });
  assert.deepEqual({ ...got.body }, { ...r.body });
  const after = await stored(created.uuid);
  assert.equal(after.signing_secret, before.signing_secret);
  assert.equal(after.previous_signing_secret, undefined);
  assert.equal(after.created_by, before.created_by);
  assert.equal(after.event, 'repo_push');
  // The regex filter replaces the glob one: the body is what the notification becomes.
  const r2 = await put(created.uuid, hook('b', { 'tag-regex': 'rc-[0-9]+' }));
  assert.equal(r2.status, 200, r2.text);
  assert.deepEqual((await stored(created.uuid)).event_config, { 'tag-regex': 'rc-[0-9]+' });
});

test('rotate_secret returns the new secret once; GET and the listing never show it nor the previous one', async () => {
  const created = await create();
  const first = created.signing_secret ?? assert.fail('create returns the secret');
  const r = await put(created.uuid, hook('a', {}, { rotate_secret: true, secret_overlap_seconds: 600 }));
  assert.equal(r.status, 200, r.text);
  const second = r.body.signing_secret ?? assert.fail('rotation returns the new secret');
  assert.match(second, /^whsec_[A-Za-z0-9+/]{43}=$/);
  assert.notEqual(second, first);
  const doc = await stored(created.uuid);
  assert.equal(doc.signing_secret, second);
  assert.equal(doc.previous_signing_secret, first);
  const overlapEnd = new Date(doc.previous_secret_expires_at ?? 0).getTime();
  assert.ok(Math.abs(overlapEnd - (Date.now() + 600_000)) < 30_000, `overlap ends ${new Date(overlapEnd).toISOString()}`);
  const one = await api.request('GET', `${BASE}${created.uuid}`, { token });
  const list = await api.request('GET', BASE, { token });
  for (const text of [one.text, list.text]) {
    assert.ok(!text.includes(first) && !text.includes(second) && !text.includes('whsec_'), text);
  }
  // Not rotating again keeps the new secret and its overlap.
  const kept = await put(created.uuid, hook('a', {}, { rotate_secret: false }));
  assert.equal(kept.status, 200, kept.text);
  assert.equal(kept.body.signing_secret, undefined);
  assert.equal((await stored(created.uuid)).signing_secret, second);
  assert.equal((await stored(created.uuid)).previous_signing_secret, first);
});

test('an overlap of 0 replaces the secret at once; a short one is removed from MongoDB when it ends', async () => {
  const created = await create();
  const now = await put(created.uuid, hook('a', {}, { rotate_secret: true, secret_overlap_seconds: 0 }));
  assert.equal(now.status, 200, now.text);
  const doc = await stored(created.uuid);
  assert.equal(doc.previous_signing_secret ?? null, null);
  assert.equal(doc.signing_secret, now.body.signing_secret);
  const short = await put(created.uuid, hook('a', {}, { rotate_secret: true, secret_overlap_seconds: 1 }));
  assert.equal((await stored(created.uuid)).previous_signing_secret, now.body.signing_secret);
  await eventually(async () => {
    const d = await stored(created.uuid);
    assert.ok(!('previous_signing_secret' in d) && !('previous_secret_expires_at' in d), JSON.stringify(Object.keys(d)));
  }, 10_000, 100);
  assert.equal((await stored(created.uuid)).signing_secret, short.body.signing_secret);
});

test('validation as on create: each 400 names the field; method and event cannot change', async () => {
  const created = await create();
  const cases: Array<[unknown, string]> = [
    [hook('a', { 'tag-regex': 'a(?=b)' }), 'eventConfig.tag-regex'],
    [hook('a', { 'tag-glob': ['[abc'] }), 'eventConfig.tag-glob[0]'],
    [{ ...hook('a'), config: { url: 'ftp://x.example.com/' } }, 'config.url'],
    [{ ...hook('a'), config: { url: 'http://127.0.0.2/hook' } }, 'config.url'],
    [hook('a', {}, { title: 7 }), 'title'],
    [{ event: 'repo_push', method: 'slack', config: { url: 'https://hooks.slack.com/services/T0/B0/x' }, eventConfig: {} }, 'method'],
    [{ ...hook('a'), event: 'build_failure' }, 'event'],
    [hook('a', {}, { rotate_secret: 'yes' }), 'rotate_secret'],
    [hook('a', {}, { secret_overlap_seconds: 60 }), 'secret_overlap_seconds'],
    [hook('a', {}, { rotate_secret: true, secret_overlap_seconds: -1 }), 'secret_overlap_seconds'],
    [hook('a', {}, { version: 0 }), 'version'],
    [[], 'body'],
  ];
  for (const [body, field] of cases) {
    const r = await put(created.uuid, body);
    assert.equal(r.status, 400, `${JSON.stringify(body)}: ${r.text}`);
    assert.equal(r.body.field, field, `${JSON.stringify(body)}: ${r.text}`);
  }
  // Nothing of the refused edits was stored.
  const doc = await stored(created.uuid);
  assert.equal(doc.version, created.version);
  assert.deepEqual(doc.config, { url: 'https://hooks.example.com/a' });
  // rotate_secret on a method without a signing secret.
  const slack = await create({ event: 'repo_push', method: 'slack', config: { url: 'https://hooks.slack.com/services/T0/B0/x' }, eventConfig: {} });
  const r = await put(slack.uuid, { event: 'repo_push', method: 'slack', config: { url: 'https://hooks.slack.com/services/T0/B0/y' }, eventConfig: {}, rotate_secret: true });
  assert.equal(r.status, 400, r.text);
  assert.equal(r.body.field, 'rotate_secret');
});

test('401 without a token, 403 without the admin grant (before the body is judged), 404 for another repository or an unknown uuid', async () => {
  const created = await create();
  assert.equal((await put(created.uuid, hook('z'), null)).status, 401);
  const reader = await testToken('carol', { grants: [`${repo}:pull,push`] });
  assert.equal((await put(created.uuid, hook('z'), reader)).status, 403);
  assert.equal((await put(created.uuid, { nonsense: true }, reader)).status, 403);
  const other = uniqueRepo('edit-other');
  const otherAdmin = await adminToken(other);
  const foreign = await api.request('PUT', `/api/v1/repository/${other}/notification/${created.uuid}`, { token: otherAdmin, body: hook('z') });
  assert.equal(foreign.status, 404, foreign.text);
  assert.equal((await put('0b8f3a52-9a9e-4c59-a0a1-6f4cf1b1f9a7', hook('z'))).status, 404);
  assert.deepEqual((await stored(created.uuid)).config, { url: 'https://hooks.example.com/a' });
});

test('409: an edit based on an older version is refused, and of two concurrent edits of one version exactly one applies', async () => {
  const created = await create();
  const first = await put(created.uuid, hook('first', {}, { version: created.version }));
  assert.equal(first.status, 200, first.text);
  const stale = await put(created.uuid, hook('stale', {}, { version: created.version }));
  assert.equal(stale.status, 409, stale.text);
  assert.match(stale.body.error ?? '', /version/);
  assert.deepEqual((await stored(created.uuid)).config, { url: 'https://hooks.example.com/first' });
  const v = first.body.version;
  const racing = await Promise.all(['x', 'y', 'z'].map((p) => put(created.uuid, hook(p, {}, { version: v }))));
  const statuses = racing.map((r) => r.status).sort();
  assert.deepEqual(statuses, [200, 409, 409], racing.map((r) => r.text).join('\n'));
  const winner = racing.find((r) => r.status === 200)!;
  const doc = await stored(created.uuid);
  assert.deepEqual(doc.config, winner.body.config);
  assert.equal(doc.version, v + 1);
});

test('the PUT route is in /openapi.json with its body, 200 and 409', async () => {
  const doc = await api.request<{ paths: Record<string, Record<string, { requestBody?: unknown; responses: Record<string, unknown> }>> }>('GET', '/openapi.json');
  const path = Object.keys(doc.body.paths).find((p) => p.endsWith('/notification/{uuid}') && p.includes('repository'));
  const op = doc.body.paths[path ?? '']?.['put'];
  assert.ok(op, Object.keys(doc.body.paths).join('\n'));
  assert.ok(op.requestBody);
  assert.ok(JSON.stringify(op.requestBody).includes('rotate_secret'));
  for (const code of ['200', '400', '401', '403', '404', '409']) assert.ok(op.responses[code], code);
});

test('neither secret of a rotation is in the service log, even at debug level', async () => {
  const logged = await startConfigApi({ captureLogs: true, env: { LOG_LEVEL: 'debug' } });
  try {
    const c = await logged.request<View>('POST', BASE, { token, body: hook('logs') });
    assert.equal(c.status, 201, c.text);
    const r = await logged.request<View>('PUT', `${BASE}${c.body.uuid}`, { token, body: hook('logs2', {}, { rotate_secret: true }) });
    assert.equal(r.status, 200, r.text);
    const lines = logged.logs();
    assert.ok(lines.some((l) => l.includes(c.body.uuid)), 'the edit was logged (by uuid)');
    const secrets = [c.body.signing_secret!, r.body.signing_secret!].map((s) => s.slice('whsec_'.length));
    for (const l of lines) for (const s of secrets) assert.ok(!l.includes(s), l);
  } finally {
    await logged.stop();
  }
});
