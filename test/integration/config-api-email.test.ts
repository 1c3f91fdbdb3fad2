// E-mail authorization end to end, with a real SMTP server: the mail arrives, its link confirms,
// and an e-mail notification can be created only after confirmation.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { startConfigApi, type RunningConfigApi } from '../helpers/config-api.js';
import { adminToken } from '../helpers/tokens.js';

const REPO = 'acme/team/app';
const BASE = `/api/v1/repository/${REPO}`;
const ADDRESS = 'Dev.Ops+herald@example.com';
const CANONICAL = ADDRESS.toLowerCase();
let api: RunningConfigApi;
let token: string;

before(async () => {
  api = await startConfigApi({ captureLogs: true });
  token = await adminToken(REPO);
});
after(async () => {
  await api?.stop();
});

const emailNotification = { event: 'repo_push', method: 'email', config: { email: ADDRESS }, eventConfig: {}, title: 'mail me' };

function linkIn(mail: string): URL {
  const m = /http:\/\/herald\.test\/authrepoemail\?code=[A-Za-z0-9_%-]+/.exec(mail);
  assert.ok(m, 'confirmation link in the mail');
  return new URL(m[0]);
}

test('authorize, confirm by the mailed link, then create an e-mail notification', async () => {
  const create = () => api.request<{ field?: string; uuid?: string; config?: { email: string } }>('POST', `${BASE}/notification/`, { token, body: emailNotification });

  let res = await create();
  assert.equal(res.status, 400);
  assert.equal(res.body.field, 'config.email');
  assert.equal((await api.request('GET', `${BASE}/authorizedemail/${ADDRESS}`, { token })).status, 404);

  const started = await api.request('POST', `${BASE}/authorizedemail/${encodeURIComponent(ADDRESS)}`, { token });
  assert.equal(started.status, 200, started.text);
  assert.deepEqual(started.body, { email: CANONICAL, repository: 'team/app', namespace: 'acme', confirmed: false });

  const mail = await api.smtp.waitFor((m) => m.to.includes(CANONICAL));
  assert.match(mail.subject, /acme\/team\/app/);
  const link = linkIn(mail.decoded);
  const code = link.searchParams.get('code') ?? '';
  assert.ok(Buffer.from(code, 'base64url').length >= 16, 'code has at least 128 bits');
  assert.ok(!started.text.includes(code), 'the API never returns the code');

  // Requested but not confirmed: still refused.
  res = await create();
  assert.equal(res.status, 400);
  assert.equal(res.body.field, 'config.email');
  assert.deepEqual((await api.request('GET', `${BASE}/authorizedemail/${ADDRESS}`, { token })).body, {
    email: CANONICAL,
    repository: 'team/app',
    namespace: 'acme',
    confirmed: false,
  });

  // A link checker's HEAD does not confirm.
  assert.notEqual((await api.request('HEAD', `${link.pathname}${link.search}`)).status, 200);
  assert.equal((await api.request<{ confirmed: boolean }>('GET', `${BASE}/authorizedemail/${ADDRESS}`, { token })).body.confirmed, false);

  // Follow the link (it names PUBLIC_URL; the service listens on a random port).
  const page = await api.request('GET', `${link.pathname}${link.search}`);
  assert.equal(page.status, 200);
  assert.match(page.headers.get('content-type') ?? '', /text\/html/);
  assert.ok(page.text.includes('dev.ops+herald@example.com') && page.text.includes('acme/team/app'));

  assert.deepEqual((await api.request('GET', `${BASE}/authorizedemail/${ADDRESS}`, { token })).body, {
    email: CANONICAL,
    repository: 'team/app',
    namespace: 'acme',
    confirmed: true,
  });
  res = await create();
  assert.equal(res.status, 201, JSON.stringify(res.body));
  assert.equal(res.body.config?.email, CANONICAL);

  // Confirmed for this repository only.
  const other = await api.request<{ field: string }>('POST', '/api/v1/repository/acme/other/notification/', {
    token: await adminToken('acme/*'),
    body: emailNotification,
  });
  assert.equal(other.status, 400);
  assert.equal(other.body.field, 'config.email');

  // A second request for a confirmed address sends no new mail.
  const before = api.smtp.messages.length;
  const again = await api.request('POST', `${BASE}/authorizedemail/${ADDRESS}`, { token });
  assert.deepEqual(again.body, { email: CANONICAL, repository: 'team/app', namespace: 'acme', confirmed: true });
  await new Promise((r) => setTimeout(r, 300));
  assert.equal(api.smtp.messages.length, before);

  // The code is stored only hashed, and never logged.
  const stored = await api.db.db.collection('authorized_emails').findOne({ repository: REPO, email: CANONICAL });
  assert.ok(stored);
  assert.ok(!JSON.stringify(stored).includes(code), 'code not stored in clear');
  const logs = api.logs().join('\n');
  assert.ok(logs.includes('/authrepoemail'), 'the confirm request was logged');
  assert.ok(!logs.includes(code), 'code not logged');
  assert.ok(!logs.includes(token), 'token not logged');

  // Removing the authorization makes new e-mail notifications impossible again.
  assert.equal((await api.request('DELETE', `${BASE}/authorizedemail/${ADDRESS}`, { token })).status, 204);
  assert.equal((await api.request('GET', `${BASE}/authorizedemail/${ADDRESS}`, { token })).status, 404);
  res = await create();
  assert.equal(res.status, 400);
});

test('a newer request replaces the code; unknown and missing codes are refused', async () => {
  const address = 'second@example.com';
  await api.request('POST', `${BASE}/authorizedemail/${address}`, { token });
  const first = linkIn((await api.smtp.waitFor((m) => m.to.includes(address))).decoded);
  const count = api.smtp.messages.filter((m) => m.to.includes(address)).length;
  await api.request('POST', `${BASE}/authorizedemail/${address}`, { token });
  const mails = await api.smtp.waitFor(() => api.smtp.messages.filter((m) => m.to.includes(address)).length > count);
  assert.ok(mails);
  const second = linkIn(api.smtp.messages.filter((m) => m.to.includes(address)).at(-1)?.decoded ?? '');
  assert.notEqual(first.search, second.search);
  assert.equal((await api.request('GET', `${first.pathname}${first.search}`)).status, 404, 'superseded code');
  assert.equal((await api.request('GET', '/authrepoemail?code=AAAA')).status, 404);
  assert.equal((await api.request('GET', '/authrepoemail')).status, 400);
  const xss = await api.request('GET', '/authrepoemail?code=%3Cscript%3E');
  assert.ok(!xss.text.includes('<script>'));
  assert.equal((await api.request('GET', `${second.pathname}${second.search}`)).status, 200);
  assert.equal((await api.request('GET', `${BASE}/authorizedemail/${address}`, { token })).status, 200);
});

test('invalid addresses are 400 naming email', async () => {
  for (const bad of ['not-an-address', 'a@b', 'x%20y@example.com']) {
    const res = await api.request<{ field: string }>('POST', `${BASE}/authorizedemail/${bad}`, { token });
    assert.equal(res.status, 400, bad);
    assert.equal(res.body.field, 'email');
  }
});

test('an unreachable SMTP server is a 502, not a crash', async () => {
  const broken = await startConfigApi({ env: { SMTP_PORT: '1' } });
  try {
    const t = await adminToken('x/y');
    const res = await broken.request('POST', '/api/v1/repository/x/y/authorizedemail/a@example.com', { token: t });
    assert.equal(res.status, 502);
  } finally {
    await broken.stop();
  }
});
