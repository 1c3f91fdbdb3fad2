// E-mail authorization end to end, with a real SMTP server: the mail arrives, its link opens a page
// whose button confirms (opening the link does not), an e-mail notification can be created only
// after confirmation, and confirmation mails are rate-limited per address and per repository.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { confirmByLink } from '@herald/infra';
import { startConfigApi, type RunningConfigApi } from '../helpers/config-api.js';
import { adminToken } from '../helpers/tokens.js';

const REPO = 'acme/team/app';
const BASE = `/api/v1/repository/${REPO}`;
const ADDRESS = 'Dev.Ops+herald@example.com';
const CANONICAL = ADDRESS.toLowerCase();
let api: RunningConfigApi;
let token: string;

before(async () => {
  // No per-address interval here: these tests send several links to one address (tested below).
  api = await startConfigApi({ captureLogs: true, env: { EMAIL_RATE_ADDRESS_INTERVAL_SECONDS: '0' } });
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

  // Open the link (it names PUBLIC_URL; the service listens on a random port): a page with a
  // button, and nothing confirmed yet — mail scanners open links too.
  const page = await api.request('GET', `${link.pathname}${link.search}`);
  assert.equal(page.status, 200);
  assert.match(page.headers.get('content-type') ?? '', /text\/html/);
  assert.match(page.headers.get('content-security-policy') ?? '', /form-action 'self'/);
  assert.ok(page.text.includes('dev.ops+herald@example.com') && page.text.includes('acme/team/app'));
  assert.match(page.text, /<form method="post" action="authrepoemail">.*<button type="submit">Confirm this e-mail address<\/button>/s);
  assert.equal((await api.request<{ confirmed: boolean }>('GET', `${BASE}/authorizedemail/${ADDRESS}`, { token })).body.confirmed, false);
  assert.equal((await api.request('GET', `${link.pathname}${link.search}`)).status, 200, 'opening it again changes nothing');
  // The button POSTs the code; that confirms.
  const confirmed = await confirmByLink(`${api.url}${link.pathname}${link.search}`);
  assert.equal(confirmed.status, 200);
  assert.match(confirmed.text, /E-mail address confirmed/);

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
  const form = (code: string) => ({ body: `code=${encodeURIComponent(code)}`, headers: { 'content-type': 'application/x-www-form-urlencoded' } });
  assert.equal((await api.request('POST', '/authrepoemail', form(first.searchParams.get('code') ?? ''))).status, 404, 'superseded code, posted');
  assert.equal((await api.request('GET', '/authrepoemail?code=AAAA')).status, 404);
  assert.equal((await api.request('POST', '/authrepoemail', form('AAAA'))).status, 404);
  assert.equal((await api.request('GET', '/authrepoemail')).status, 400);
  assert.equal((await api.request('POST', '/authrepoemail', form(''))).status, 400);
  const xss = await api.request('GET', '/authrepoemail?code=%3Cscript%3E');
  assert.ok(!xss.text.includes('<script>'));
  assert.equal((await api.request('GET', `${second.pathname}${second.search}`)).status, 200);
  assert.equal((await confirmByLink(`${api.url}${second.pathname}${second.search}`)).status, 200);
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

test('confirmation mails are rate-limited per address and per repository: 429 with Retry-After, no mail, the earlier link still valid', async () => {
  const limited = await startConfigApi({ env: { EMAIL_RATE_REPOSITORY_DAILY: '3' } });
  const daily = await startConfigApi({ env: { EMAIL_RATE_ADDRESS_INTERVAL_SECONDS: '0', EMAIL_RATE_ADDRESS_DAILY: '2' } });
  try {
    const t = await adminToken('acme/*');
    const ask = (svc: RunningConfigApi, repo: string, address: string) =>
      svc.request<{ detail: string; error_type: string; status: number }>('POST', `/api/v1/repository/${repo}/authorizedemail/${address}`, { token: t });
    const mailsTo = (svc: RunningConfigApi, address: string) => svc.smtp.messages.filter((m) => m.to.includes(address)).length;

    // One mail per address per 10 minutes (the default), whatever the repository.
    assert.equal((await ask(limited, 'acme/one', 'a@example.com')).status, 200);
    await limited.smtp.waitFor((m) => m.to.includes('a@example.com'));
    for (const repo of ['acme/one', 'acme/two']) {
      const again = await ask(limited, repo, 'a@example.com');
      assert.equal(again.status, 429, repo);
      const retryAfter = Number(again.headers.get('retry-after'));
      assert.ok(retryAfter > 590 && retryAfter <= 600, `Retry-After ${retryAfter}`);
      assert.match(again.body.detail, /a confirmation mail went to a@example\.com less than 10 minutes ago; try again later/);
      assert.equal(again.body.status, 429);
    }
    await new Promise((r) => setTimeout(r, 300));
    assert.equal(mailsTo(limited, 'a@example.com'), 1, 'no mail for a refused request');
    const pending = await limited.db.db.collection('authorized_emails').findOne({ repository: 'acme/one', email: 'a@example.com' });
    assert.ok(pending?.['code_hash'], 'the first link stays valid');

    // A repository's daily cap (3 here): the 4th address is refused, another repository is not.
    assert.equal((await ask(limited, 'acme/one', 'b@example.com')).status, 200);
    assert.equal((await ask(limited, 'acme/one', 'c@example.com')).status, 200);
    const capped = await ask(limited, 'acme/one', 'd@example.com');
    assert.equal(capped.status, 429);
    assert.match(capped.body.detail, /acme\/one sent 3 confirmation mails in the last 24 hours/);
    assert.ok(Number(capped.headers.get('retry-after')) > 86_000);
    assert.equal((await ask(limited, 'acme/two', 'd@example.com')).status, 200);

    // An address's daily cap (2 here, no interval).
    assert.equal((await ask(daily, 'acme/one', 'e@example.com')).status, 200);
    assert.equal((await ask(daily, 'acme/two', 'e@example.com')).status, 200);
    const third = await ask(daily, 'acme/three', 'e@example.com');
    assert.equal(third.status, 429);
    assert.match(third.body.detail, /e@example\.com got 2 confirmation mails in the last 24 hours/);
  } finally {
    await limited.stop();
    await daily.stop();
  }
});
