import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ValidationError } from '@herald/errors';
import { BUILD_EVENT_KINDS, EVENT_KINDS, VULNERABILITY_PRIORITIES } from '@herald/events';
import { DELIVERY_METHODS } from '@herald/kafka';
import { METHOD_MODULES } from '@herald/methods';
import { validateCreateRequest } from '../../src/validation/create-request.js';
import { EVENTS, METHODS, PRIORITIES, describeFilter, describeTarget } from './catalog.js';

// A valid value for every field the form offers, keyed by the request path it fills.
const SAMPLE: Record<string, unknown> = {
  'config.url': 'https://hooks.example.com/x',
  'config.template': '{"text": "${repository}"}',
  'config.email': 'ops@example.com',
  'config.flow_api_token': 'flow-token',
  'config.room_id': '42',
  'config.notification_token': 'room-token',
  'config.target.kind': 'team',
  'config.target.name': 'acme/owners',
  'config.rate_limit': 5,
  'eventConfig.ref-regex': '(refs/heads/somebranch)|(refs/tags/sometag)',
  'eventConfig.level': 2,
  'eventConfig.days': 7,
};

function build(keys: readonly string[], prefix: string): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const key of keys) {
    const path = key.slice(prefix.length + 1).split('.');
    let at = out;
    for (const k of path.slice(0, -1)) at = (at[k] ??= {}) as Record<string, unknown>;
    at[path[path.length - 1] ?? ''] = SAMPLE[key];
  }
  return out;
}

test('the form offers exactly the service’s events, and the methods of libs/methods', () => {
  assert.deepEqual(EVENTS.map((e) => e.kind).sort(), [...EVENT_KINDS].sort());
  // The methods are the modules' own (derived), and the modules are the topics' methods.
  assert.deepEqual(METHODS.map((m) => [m.method, m.fields]), METHOD_MODULES.map((m) => [m.method, m.form]));
  assert.deepEqual(METHODS.map((m) => m.method).sort(), [...DELIVERY_METHODS].sort());
  assert.deepEqual([...PRIORITIES], [...VULNERABILITY_PRIORITIES]);
  for (const kind of BUILD_EVENT_KINDS) {
    assert.deepEqual(EVENTS.find((e) => e.kind === kind)?.filters.map((f) => f.key), ['eventConfig.ref-regex'], kind);
  }
});

const create = (over: Record<string, unknown>) =>
  validateCreateRequest({ event: 'repo_push', method: 'webhook', config: { url: 'https://hooks.example.com/x' }, ...over }, {
    repository: 'acme/app',
    isEmailConfirmed: async () => over['confirmed'] !== false,
  });

test('every field key is a request path the server validates and keeps', async () => {
  for (const m of METHODS) {
    const keys = m.fields.map((f) => f.key);
    for (const k of keys) assert.ok(k in SAMPLE, `no sample for ${k}`);
    const config = build(keys, 'config');
    assert.deepEqual((await create({ method: m.method, config })).config, config, m.method);
  }
  for (const e of EVENTS) {
    const ec = build(e.filters.map((f) => f.key), 'eventConfig');
    assert.deepEqual((await create({ event: e.kind, eventConfig: ec })).event_config, ec, e.kind);
  }
});

test('the server names the form’s own keys in its 400s', async () => {
  const keys = new Set([...METHODS.flatMap((m) => m.fields), ...EVENTS.flatMap((e) => e.filters)].map((f) => f.key));
  const fieldOf = async (over: Record<string, unknown>): Promise<string> => {
    try {
      await create(over);
    } catch (err) {
      if (err instanceof ValidationError) return err.field;
    }
    return '(none)';
  };
  for (const over of [
    { method: 'hipchat', config: { room_id: 'abc', notification_token: 't' } },
    { method: 'email', config: { email: 'a@example.com' }, confirmed: false },
    { event: 'vulnerability_found', eventConfig: { level: 9 } },
    { event: 'repo_image_expiry', eventConfig: {} },
    { method: 'quay_notification', config: { target: { kind: 'x', name: 'n' } } },
  ]) {
    const field = await fieldOf(over);
    assert.ok(keys.has(field), `${JSON.stringify(over)} → ${field}`);
  }
});

test('filters and targets in words', () => {
  assert.equal(describeFilter('build_success', { 'ref-regex': 'heads/main' }), 'refs matching heads/main');
  assert.equal(describeFilter('vulnerability_found', { level: '1' }), 'High or more severe');
  assert.equal(describeFilter('repo_image_expiry', { days: 7 }), '7 days before expiry');
  assert.equal(describeFilter('repo_push', {}), '');
  assert.equal(describeTarget('hipchat', { room_id: '42', notification_token: '****' }), 'room 42, token ****');
  assert.equal(describeTarget('quay_notification', { target: { kind: 'team', name: 'acme/owners' } }), 'team acme/owners');
  assert.equal(describeTarget('webhook', { url: { not: 'a string' } }), '');
});
