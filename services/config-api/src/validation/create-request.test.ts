import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ValidationError } from '@herald/errors';
import { DELIVERY_METHODS } from '@herald/kafka';
import { METHOD_MODULES, TARGET_KINDS } from '@herald/methods';
import { INAPP_TARGET_KINDS } from '@herald/store';
import { validateCreateRequest } from './create-request.js';
import type { MethodConfigContext } from './create-request.js';

const ctx: MethodConfigContext = {
  repository: 'ns/app',
  isEmailConfirmed: async (_repo, email) => email === 'ok@example.com',
};

async function field(body: unknown): Promise<string> {
  try {
    await validateCreateRequest(body, ctx);
  } catch (err) {
    assert.ok(err instanceof ValidationError, String(err));
    return err.field;
  }
  assert.fail(`accepted ${JSON.stringify(body)}`);
}

const hook = (config: unknown, extra: Record<string, unknown> = {}): Record<string, unknown> => ({
  event: 'repo_push',
  method: 'webhook',
  config,
  eventConfig: {},
  ...extra,
});

test('valid requests are normalized', async () => {
  const r = await validateCreateRequest(
    { event: 'build_success', method: 'webhook', config: { url: 'https://h.example/x', junk: 1 }, eventConfig: { 'ref-regex': 'refs/heads/.*', level: 3 }, title: ' t ' },
    ctx,
  );
  assert.deepEqual(r, { event: 'build_success', method: 'webhook', config: { url: 'https://h.example/x' }, event_config: { 'ref-regex': 'refs/heads/.*' }, title: 't' });
  const v = await validateCreateRequest({ event: 'vulnerability_found', method: 'slack', config: { url: 'http://s.example/a' }, eventConfig: { level: '2' } }, ctx);
  assert.deepEqual(v.event_config, { level: '2' });
  const e = await validateCreateRequest({ event: 'repo_image_expiry', method: 'email', config: { email: 'OK@example.com' }, eventConfig: { days: '7' } }, ctx);
  assert.deepEqual([e.config, e.event_config], [{ email: 'ok@example.com' }, { days: 7 }]);
  const h = await validateCreateRequest({ event: 'repo_push', method: 'hipchat', config: { room_id: 42, notification_token: 'tok' } }, ctx);
  assert.deepEqual(h.config, { room_id: '42', notification_token: 'tok' });
  const q = await validateCreateRequest(
    { event: 'repo_push', method: 'quay_notification', config: { target: { kind: 'team', name: 'owners', avatar: {} } }, event_config: {} },
    ctx,
  );
  assert.deepEqual(q.config, { target: { kind: 'team', name: 'owners' } });
  const t = await validateCreateRequest(hook({ url: 'https://h.example', template: '{"text":"${repository} ${updated_tags[0]}","all":"${$.updated_tags[*]}"}' }), ctx);
  assert.equal(typeof t.config['template'], 'string');
});

const INVALID: Array<[string, unknown]> = [
  ['body', []],
  ['body', 'x'],
  ['event', hook({ url: 'https://h.example' }, { event: 'nope' })],
  ['event', hook({ url: 'https://h.example' }, { event: undefined })],
  ['method', hook({ url: 'https://h.example' }, { method: 'pigeon' })],
  ['config', hook(undefined)],
  ['config', hook([1])],
  ['config.url', hook({})],
  ['config.url', hook({ url: 'ftp://h.example/x' })],
  ['config.url', hook({ url: 'not a url' })],
  ['config.url', hook({ url: 'https://' })],
  ['config.url', hook({ url: `https://h.example/${'a'.repeat(3000)}` })],
  ['config.template', hook({ url: 'https://h.example', template: '{not json' })],
  ['config.template', hook({ url: 'https://h.example', template: '{"a":"${first[}"}' })],
  ['config.template', hook({ url: 'https://h.example', template: '{"a":"${}"}' })],
  ['config.template', hook({ url: 'https://h.example', template: '{"a":"${foo bar}"}' })],
  ['config.template', hook({ url: 'https://h.example', template: { a: 1 } })],
  ['config.url', { event: 'repo_push', method: 'slack', config: { url: 'javascript:alert(1)' } }],
  ['config.room_id', { event: 'repo_push', method: 'hipchat', config: { room_id: 'abc', notification_token: 't' } }],
  ['config.notification_token', { event: 'repo_push', method: 'hipchat', config: { room_id: '1' } }],
  ['config.flow_api_token', { event: 'repo_push', method: 'flowdock', config: { flow_api_token: '' } }],
  ['config.email', { event: 'repo_push', method: 'email', config: { email: 'not-an-address' } }],
  ['config.email', { event: 'repo_push', method: 'email', config: { email: 'unconfirmed@example.com' } }],
  ['config.target', { event: 'repo_push', method: 'quay_notification', config: {} }],
  ['config.target.kind', { event: 'repo_push', method: 'quay_notification', config: { target: { kind: 'robot', name: 'x' } } }],
  ['config.target.name', { event: 'repo_push', method: 'quay_notification', config: { target: { kind: 'user', name: ' ' } } }],
  ['eventConfig', hook({ url: 'https://h.example' }, { eventConfig: 'x' })],
  ['eventConfig.ref-regex', hook({ url: 'https://h.example' }, { event: 'build_start', eventConfig: { 'ref-regex': '(' } })],
  ['eventConfig.ref-regex', hook({ url: 'https://h.example' }, { event: 'build_start', eventConfig: { 'ref-regex': '(?=lookahead)' } })],
  ['eventConfig.ref-regex', hook({ url: 'https://h.example' }, { event: 'build_start', eventConfig: { 'ref-regex': 'x'.repeat(300) } })],
  ['eventConfig.ref-regex', hook({ url: 'https://h.example' }, { event: 'build_start', eventConfig: { 'ref-regex': 7 } })],
  ['eventConfig.level', hook({ url: 'https://h.example' }, { event: 'vulnerability_found', eventConfig: { level: 6 } })],
  ['eventConfig.level', hook({ url: 'https://h.example' }, { event: 'vulnerability_found', eventConfig: { level: 'high' } })],
  ['eventConfig.level', hook({ url: 'https://h.example' }, { event: 'vulnerability_found', eventConfig: { level: 1.5 } })],
  ['eventConfig.days', hook({ url: 'https://h.example' }, { event: 'repo_image_expiry', eventConfig: {} })],
  ['eventConfig.days', hook({ url: 'https://h.example' }, { event: 'repo_image_expiry', eventConfig: { days: 0 } })],
  ['eventConfig.days', hook({ url: 'https://h.example' }, { event: 'repo_image_expiry', eventConfig: { days: 2.5 } })],
  ['title', hook({ url: 'https://h.example' }, { title: 5 })],
  ['title', hook({ url: 'https://h.example' }, { title: 'x'.repeat(300) })],
];

for (const [expected, body] of INVALID) {
  test(`invalid → 400 naming ${expected}: ${JSON.stringify(body).slice(0, 90)}`, async () => {
    assert.equal(await field(body), expected);
  });
}

test('a worst-case RE2 pattern within the length bound compiles quickly', async () => {
  const t0 = Date.now();
  await validateCreateRequest(hook({ url: "https://h.example" }, { event: "build_start", eventConfig: { "ref-regex": '([a-z]{1,1000}){1,1000}'.slice(0, 256) } }), ctx).catch(() => undefined);
  await validateCreateRequest(hook({ url: "https://h.example" }, { event: "build_start", eventConfig: { "ref-regex": '[\\p{L}\\p{N}]{1000}'.repeat(12) } }), ctx).catch(() => undefined);
  assert.ok(Date.now() - t0 < 2000, `took ${Date.now() - t0} ms`);
});

test('titles with bidi overrides, isolates or zero-width characters are refused, naming the character', async () => {
  for (const [ch, name] of [['\u202E', 'U+202E (RIGHT-TO-LEFT OVERRIDE)'], ['\u202A', 'U+202A'], ['\u2066', 'U+2066 (LEFT-TO-RIGHT ISOLATE)'], ['\u2069', 'U+2069'], ['\u200B', 'U+200B (ZERO WIDTH SPACE)'], ['\u200F', 'U+200F (RIGHT-TO-LEFT MARK)']] as const) {
    await assert.rejects(
      validateCreateRequest(hook({ url: 'https://h.example/x' }, { title: `deploy ${ch}gnp.exe` }), ctx),
      (e: unknown) => e instanceof ValidationError && e.field === 'title' && e.message.includes(name),
      ch,
    );
  }
  // Visible non-ASCII text is fine.
  const ok = await validateCreateRequest(hook({ url: 'https://h.example/x' }, { title: 'Déploiement — עברית 日本' }), ctx);
  assert.equal(ok.title, 'Déploiement — עברית 日本');
});

test('the method modules are the delivery topics’ methods; in-app target kinds are the store’s', () => {
  assert.deepEqual(METHOD_MODULES.map((m) => m.method).sort(), [...DELIVERY_METHODS].sort());
  assert.deepEqual([...TARGET_KINDS], [...INAPP_TARGET_KINDS]);
});

test('a schema 400 starts with the field and says what the schema wants', async () => {
  const message = async (body: unknown): Promise<string> => {
    try {
      await validateCreateRequest(body, ctx);
    } catch (err) {
      return err instanceof Error ? err.message : String(err);
    }
    return '(accepted)';
  };
  assert.match(await message(hook({})), /^config\.url: is required and must be an http or https URL/);
  assert.match(await message(hook({ url: 'https://h.example' }, { method: 'pigeon' })), /^method: must be one of quay_notification, email, webhook, flowdock, hipchat, slack$/);
  assert.match(await message(hook({ url: 'https://h.example' }, { event: 'nope' })), /^event: must be one of repo_push, /);
  assert.match(await message(hook({ url: 'https://h.example' }, { event: 'vulnerability_found', eventConfig: undefined, event_config: { level: 9 } })), /^eventConfig\.level: must be an integer from 0 \(Critical\) to 5/);
  assert.match(await message({ event: 'repo_push', method: 'quay_notification', config: { target: { kind: 'robot', name: 'x' } } }), /^config\.target\.kind: must be one of user, team, org$/);
  assert.match(await message('x'), /^body: must be a JSON object$/);
});

test('a schema error inside a list names the item by index', async () => {
  await assert.rejects(
    validateCreateRequest(hook({ url: 'https://h.example' }, { eventConfig: { 'tag-glob': ['v1.*', ''] } }), ctx),
    (e: unknown) => e instanceof ValidationError && e.field === 'eventConfig.tag-glob[1]',
  );
});
