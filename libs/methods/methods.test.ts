import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { METHOD_MODULES, configKeys, maskConfig, methodModule } from './index.js';

test('each method has one module; its form fields are keys of its config schema', () => {
  assert.equal(new Set(METHOD_MODULES.map((m) => m.method)).size, METHOD_MODULES.length);
  for (const m of METHOD_MODULES) {
    assert.equal(methodModule(m.method), m);
    const top = new Set(configKeys(m));
    for (const f of m.form) {
      const [prefix, key] = f.key.split('.');
      assert.equal(prefix, 'config', f.key);
      assert.ok(top.has(key ?? ''), `${m.method}: form field ${f.key} is not in its config schema`);
    }
    for (const s of Object.keys(m.secrets)) assert.ok(top.has(s), `${m.method}: secret ${s} is not in its config schema`);
    assert.ok(existsSync(new URL(`../../services/${m.sender}/package.json`, import.meta.url)), `${m.method}: no services/${m.sender}`);
  }
  assert.equal(methodModule('pigeon'), undefined);
});

test('secret form fields are masked secrets, and masking is the module’s', () => {
  for (const m of METHOD_MODULES) {
    for (const f of m.form.filter((x) => x.kind === 'secret')) assert.ok(f.key.slice('config.'.length) in m.secrets, f.key);
  }
  assert.deepEqual(maskConfig('hipchat', { room_id: '12', notification_token: 't' }), { room_id: '12', notification_token: '****' });
  assert.deepEqual(maskConfig('slack', { url: 'https://hooks.slack.com/services/T/B/X' }), { url: 'https://hooks.slack.com/****' });
  assert.deepEqual(maskConfig('webhook', { url: { not: 'a string' } }), { url: '****' });
  assert.deepEqual(maskConfig('email', { email: 'a@example.com' }), { email: 'a@example.com' });
  assert.deepEqual(maskConfig('pigeon', { token: 't' }), { token: 't' });
});

test('normalize keeps only the schema’s keys, in canonical form', () => {
  const hipchat = methodModule('hipchat');
  assert.deepEqual(hipchat?.normalize?.({ room_id: 42, notification_token: 't', junk: 1 }), { room_id: '42', notification_token: 't' });
  const webhook = methodModule('webhook');
  assert.deepEqual(webhook?.normalize?.({ url: 'https://h.example', template: '' }), { url: 'https://h.example' });
  const inapp = methodModule('quay_notification');
  assert.deepEqual(inapp?.normalize?.({ target: { kind: 'team', name: 'o', avatar: {} } }), { target: { kind: 'team', name: 'o' } });
});

test('the methods that send to an endpoint share an optional rate_limit, kept by normalize', () => {
  for (const name of ['webhook', 'slack', 'flowdock', 'hipchat', 'email']) {
    const m = methodModule(name);
    assert.ok(m && configKeys(m).includes('rate_limit'), name);
    assert.ok(!(m?.config.required ?? []).includes('rate_limit'), `${name}: rate_limit is optional`);
    assert.ok(m?.form.some((f) => f.key === 'config.rate_limit'), `${name}: form field`);
  }
  assert.ok(!configKeys(methodModule('quay_notification') as NonNullable<ReturnType<typeof methodModule>>).includes('rate_limit'), 'in-app has no endpoint');
  assert.deepEqual(methodModule('webhook')?.normalize?.({ url: 'https://h.example', rate_limit: 2.5 }), { url: 'https://h.example', rate_limit: 2.5 });
  assert.deepEqual(methodModule('hipchat')?.normalize?.({ room_id: 1, notification_token: 't', rate_limit: 3 }), { room_id: '1', notification_token: 't', rate_limit: 3 });
});
