// Creation-time SSRF refusal (issue 16): a webhook or Slack URL that the delivery service's guard
// would refuse is a 400 at creation naming the address class and the setting that allows it, in
// every spelling of the address; the allow-list (the delivery services' variables) is honoured.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { startConfigApi, type RunningConfigApi } from '../helpers/config-api.js';
import { adminToken } from '../helpers/tokens.js';

const REPO = 'acme/app';
const CREATE = `/api/v1/repository/${REPO}/notification/`;
let strict: RunningConfigApi;
let allowing: RunningConfigApi;
let token: string;

before(async () => {
  strict = await startConfigApi({ env: { WEBHOOK_ALLOW_LIST: '', SLACK_ALLOW_LIST: '' } });
  allowing = await startConfigApi({ env: { WEBHOOK_ALLOW_LIST: '10.1.0.0/16,localhost,169.254.169.254', SLACK_ALLOW_LIST: '192.168.7.0/24' } });
  token = await adminToken(REPO);
});
after(async () => {
  await Promise.all([strict?.stop(), allowing?.stop()]);
});

const create = (api: RunningConfigApi, method: string, url: string) =>
  api.request<{ field?: string; detail?: string; uuid?: string }>('POST', CREATE, { token, body: { event: 'repo_push', method, config: { url }, eventConfig: {} } });

// [URL, class named in the answer]: the WHATWG URL parser reads decimal, hex, octal and short IPv4
// forms as the dotted address, which is what the guard judges (and what a client would connect to).
const REFUSED: Array<[string, string]> = [
  ['http://10.0.0.5/hook', 'private'],
  ['http://172.16.0.1/hook', 'private'],
  ['http://192.168.1.1/hook', 'private'],
  ['http://169.254.169.254/latest/meta-data/', 'metadata'],
  ['http://100.100.100.200/', 'metadata'],
  ['http://[fd00:ec2::254]/', 'metadata'],
  ['http://127.0.0.1:8080/', 'loopback'],
  ['http://2130706433/', 'loopback'], // decimal 127.0.0.1
  ['http://0x7f000001/', 'loopback'], // hex
  ['http://0x7f.1/', 'loopback'], // short hex
  ['http://127.1/', 'loopback'], // short
  ['http://0251.0376.0251.0376/', 'metadata'], // octal 169.254.169.254
  ['http://2852039166/', 'metadata'], // decimal 169.254.169.254
  ['http://[::1]/', 'loopback'],
  ['http://[::ffff:127.0.0.1]/', 'loopback'], // IPv4-mapped IPv6
  ['http://[::ffff:a9fe:a9fe]/', 'metadata'], // IPv4-mapped, hex groups
  ['http://[::ffff:10.0.0.5]/', 'private'],
  ['http://0/', 'unspecified'],
  ['http://[fe80::1]/', 'link-local'],
  ['http://localhost:9000/hook', 'loopback'], // a name resolving to loopback
  ['http://LOCALHOST./hook', 'loopback'],
];

test('private, loopback and metadata destinations are refused at creation in every spelling, naming the class and the setting', async () => {
  for (const [url, kind] of REFUSED) {
    const res = await create(strict, 'webhook', url);
    assert.equal(res.status, 400, `${url}: ${res.text}`);
    assert.equal(res.body.field, 'config.url', url);
    assert.match(res.body.detail ?? '', new RegExp(`is a ${kind} address .*WEBHOOK_ALLOW_LIST allows it`), url);
  }
  const slack = await create(strict, 'slack', 'https://192.168.7.9/services/T0/B0/x');
  assert.equal(slack.status, 400);
  assert.match(slack.body.detail ?? '', /192\.168\.7\.9 is a private address \(192\.168\.0\.0\/16\).*SLACK_ALLOW_LIST allows it/);
  const named = await create(strict, 'webhook', 'http://localhost/x');
  assert.match(named.body.detail ?? '', /^config\.url: localhost resolves to (127\.0\.0\.1|0:0:0:0:0:0:0:1), which is a loopback address/);
  assert.equal(await strict.db.db.collection('notifications').countDocuments({}), 0, 'nothing stored');
});

test('public addresses and names that do not resolve (yet) are accepted: delivery checks again', async () => {
  for (const url of ['https://93.184.216.34/hook', 'https://[2606:4700:4700::1111]/hook', 'https://hooks.herald-test.invalid/hook']) {
    const res = await create(strict, 'webhook', url);
    assert.equal(res.status, 201, `${url}: ${res.text}`);
  }
});

test("the allow-list is honoured per method, with the delivery services' variables", async () => {
  for (const url of ['http://10.1.2.3/hook', 'http://localhost:9000/hook', 'http://169.254.169.254/x', 'http://[::ffff:10.1.0.9]/']) {
    const res = await create(allowing, 'webhook', url);
    assert.equal(res.status, 201, `${url}: ${res.text}`);
  }
  for (const url of ['http://10.2.0.1/hook', 'http://127.0.0.1/hook', 'http://169.254.170.2/']) {
    const res = await create(allowing, 'webhook', url);
    assert.equal(res.status, 400, `${url} is outside WEBHOOK_ALLOW_LIST`);
  }
  assert.equal((await create(allowing, 'slack', 'https://192.168.7.9/services/x')).status, 201);
  assert.equal((await create(allowing, 'slack', 'http://10.1.2.3/services/x')).status, 400, 'the webhook list does not admit Slack URLs');
});
