// Invalid creation requests: each a 400 naming the field, and nothing stored.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { METHOD_MODULES } from '@herald/methods';
import { NotificationCreateRequest } from '@herald/config-api';
import { startConfigApi, type RunningConfigApi } from '../helpers/config-api.js';
import { adminToken } from '../helpers/tokens.js';

const REPO = 'acme/app';
const CREATE = `/api/v1/repository/${REPO}/notification/`;
let api: RunningConfigApi;
let token: string;

before(async () => {
  api = await startConfigApi();
  token = await adminToken(REPO);
});
after(async () => {
  await api?.stop();
});

const url = 'https://hooks.example.com/h';
const hook = (over: Record<string, unknown>): Record<string, unknown> => ({ event: 'repo_push', method: 'webhook', config: { url }, eventConfig: {}, ...over });

const CASES: Array<[field: string, body: unknown]> = [
  ['body', '{"event": "repo_push",'],
  ['body', '[1,2,3]'],
  ['body', '"just a string"'],
  ['event', hook({ event: 'repo_pull' })],
  ['event', hook({ event: 7 })],
  ['event', { method: 'webhook', config: { url } }],
  ['method', hook({ method: 'carrier_pigeon' })],
  ['method', hook({ method: null })],
  ['config', hook({ config: undefined })],
  ['config', hook({ config: 'https://hooks.example.com' })],
  ['config.url', hook({ config: {} })],
  ['config.url', hook({ config: { url: 'ftp://files.example.com/x' } })],
  ['config.url', hook({ config: { url: 'http//missing-colon.example.com' } })],
  ['config.url', hook({ config: { url: 'https://exa mple.com/' } })],
  ['config.template', hook({ config: { url, template: '{"text": ' } })],
  ['config.template', hook({ config: { url, template: '{"text": "${first[}"}' } })],
  ['config.template', hook({ config: { url, template: '{"text": "${a b c}"}' } })],
  ['config.template', hook({ config: { url, template: '['.repeat(30_000) + ']'.repeat(30_000) } })],
  ['config.template', hook({ config: { url, template: '['.repeat(33) + ']'.repeat(33) } })],
  ['config.template', hook({ config: { url, template: JSON.stringify({ text: 'x'.repeat(65_536) }) } })],
  ['config.url', { event: 'repo_push', method: 'slack', config: { url: 'mailto:ops@example.com' } }],
  ['config.room_id', { event: 'repo_push', method: 'hipchat', config: { room_id: 'room-1', notification_token: 't0k' } }],
  ['config.notification_token', { event: 'repo_push', method: 'hipchat', config: { room_id: '123' } }],
  ['config.flow_api_token', { event: 'repo_push', method: 'flowdock', config: {} }],
  ['config.email', { event: 'repo_push', method: 'email', config: { email: 'no-at-sign' } }],
  ['config.email', { event: 'repo_push', method: 'email', config: { email: 'never-authorized@example.com' } }],
  ['config.target', { event: 'repo_push', method: 'quay_notification', config: { target: 'alice' } }],
  ['config.target.kind', { event: 'repo_push', method: 'quay_notification', config: { target: { kind: 'robot', name: 'x' } } }],
  ['config.target.name', { event: 'repo_push', method: 'quay_notification', config: { target: { kind: 'team' } } }],
  ['eventConfig', hook({ eventConfig: [1] })],
  ['eventConfig.ref-regex', hook({ event: 'build_success', eventConfig: { 'ref-regex': 'refs/heads/(main' } })],
  ['eventConfig.ref-regex', hook({ event: 'build_failure', eventConfig: { 'ref-regex': '(a)\\1' } })],
  ['eventConfig.ref-regex', hook({ event: 'build_start', eventConfig: { 'ref-regex': '(x+x+)+y'.repeat(40) } })],
  ['eventConfig.level', hook({ event: 'vulnerability_found', eventConfig: { level: -1 } })],
  ['eventConfig.level', hook({ event: 'vulnerability_found', eventConfig: { level: 'Critical' } })],
  ['eventConfig.days', hook({ event: 'repo_image_expiry', eventConfig: {} })],
  ['eventConfig.days', hook({ event: 'repo_image_expiry', eventConfig: { days: -3 } })],
  ['eventConfig.days', hook({ event: 'repo_image_expiry', eventConfig: { days: 'soon' } })],
  ['title', hook({ title: { text: 'x' } })],
];

test(`${CASES.length} invalid creation requests: 400 naming the field, nothing stored`, async () => {
  assert.ok(CASES.length >= 20);
  const col = api.db.db.collection('notifications');
  for (const [field, body] of CASES) {
    const res = await api.request<{ error: string; field: string }>('POST', CREATE, { token, body });
    assert.equal(res.status, 400, `${field}: ${JSON.stringify(body).slice(0, 80)} → ${res.text}`);
    assert.equal(res.body.field, field, `field for ${JSON.stringify(body).slice(0, 80)}: ${res.body.error}`);
    assert.ok(res.body.error.startsWith(`${field}:`), res.body.error);
  }
  assert.equal(await col.countDocuments({}), 0, 'nothing stored');
});

test('a valid request after all that is stored, and returns 201', async () => {
  const res = await api.request<{ uuid: string }>('POST', CREATE, { token, body: hook({ event: 'vulnerability_found', eventConfig: { level: '1' } }) });
  assert.equal(res.status, 201, res.text);
  assert.equal(await api.db.db.collection('notifications').countDocuments({}), 1);
});

test('webhook templates over the bounds answer 400 naming the limit; at the bounds they are accepted', async () => {
  const over: Array<[template: string, limit: RegExp]> = [
    ['['.repeat(30_000) + ']'.repeat(30_000), /the limit is 32 levels/],
    ['['.repeat(3_000) + ']'.repeat(3_000), /the limit is 32 levels/],
    [JSON.stringify({ text: 'x'.repeat(65_536) }), /the limit is 65536 bytes \(64 KiB\)/],
  ];
  for (const [template, limit] of over) {
    const res = await api.request<{ error: string; field: string }>('POST', CREATE, { token, body: hook({ config: { url, template } }) });
    assert.equal(res.status, 400, res.text.slice(0, 200));
    assert.match(res.body.error, limit);
  }
  const atBounds = ['['.repeat(32) + ']'.repeat(32), JSON.stringify({ text: 'x'.repeat(65_000) })];
  for (const template of atBounds) {
    const res = await api.request<{ uuid: string }>('POST', CREATE, { token, body: hook({ config: { url, template } }) });
    assert.equal(res.status, 201, res.text.slice(0, 200));
  }
});

test('the token, then the admin grant, are judged before the body: 401 and 403, not the body’s 400', async () => {
  const bad = hook({ config: { url: 'ftp://files.example.com/x' } });
  assert.equal((await api.request('POST', CREATE, { body: bad })).status, 401);
  const other = await adminToken('other/app');
  assert.equal((await api.request('POST', CREATE, { token: other, body: bad })).status, 403);
  const res = await api.request<{ field: string }>('POST', CREATE, { token, body: bad });
  assert.equal(res.status, 400);
  assert.equal(res.body.field, 'config.url');
});

test('the document’s create body is the schema the route validates with, one branch per method module', async () => {
  const doc = (await api.request<{ paths: Record<string, Record<string, { requestBody?: { content: Record<string, { schema: unknown }> } }>> }>('GET', '/openapi.json')).body;
  const documented = doc.paths['/api/v1/repository/{repository}/notification/']?.['post']?.requestBody?.content['application/json']?.schema;
  assert.deepEqual(documented, JSON.parse(JSON.stringify(NotificationCreateRequest)));
  const branches = (documented as { oneOf: Array<{ properties: { method: { enum: string[] }; config: unknown } }> }).oneOf;
  assert.deepEqual(
    branches.map((b) => [b.properties.method.enum[0], b.properties.config]),
    METHOD_MODULES.map((m) => [m.method, JSON.parse(JSON.stringify(m.config))]),
  );
  // A body the document refuses is refused by the route, naming the field the document's schema names.
  const res = await api.request<{ field: string; error: string }>('POST', CREATE, { token, body: { event: 'repo_push', method: 'hipchat', config: { room_id: '1', notification_token: 'has space' } } });
  assert.equal(res.status, 400);
  assert.equal(res.body.field, 'config.notification_token');
});

test('an over-long repository path is a 400 naming `repository`, however it is encoded', async () => {
  for (const name of [`acme/${'a'.repeat(300)}`, `acme/${'ä'.repeat(200)}`, `acme/${'b/'.repeat(150)}c`]) {
    const res = await api.request<{ field: string }>('GET', `/api/v1/repository/${name}/notification/`, { token: await adminToken('acme/*') });
    assert.equal(res.status, 400, `${name.slice(0, 20)}…: ${res.text.slice(0, 120)}`);
    assert.equal(res.body.field, 'repository');
  }
});
