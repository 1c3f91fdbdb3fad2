import { test } from 'node:test';
import assert from 'node:assert/strict';
import { maskConfig, maskSlackUrl, maskWebhookUrl } from './mask.js';

test('webhook URLs: credentials and query values masked, host and path kept', () => {
  assert.equal(maskWebhookUrl('https://user:pw@hooks.example.com/a/b?token=s3cret&x=1#frag'), 'https://****:****@hooks.example.com/a/b?token=****&x=****');
  assert.equal(maskWebhookUrl('https://hooks.example.com/plain'), 'https://hooks.example.com/plain');
  assert.equal(maskWebhookUrl('not a url'), '****');
});

test('webhook URLs: tokens in the path are masked too (Slack/Discord style, token-like segments)', () => {
  assert.equal(maskWebhookUrl('https://hooks.slack.com/services/T0AB12CD3/B0CD34EF5/abcDEF123ghiJKL456mnoPQR'), 'https://hooks.slack.com/services/****/****/****');
  assert.equal(
    maskWebhookUrl('https://discord.com/api/webhooks/123456789012345678/AbCdEf-GhIjKl_MnOpQrStUvWxYz0123456789AbCdEfGhIjKlMnOpQrStUvWxYz01'),
    'https://discord.com/api/webhooks/****/****',
  );
  assert.equal(maskWebhookUrl('https://ci.example.com/project/app/hook/9f86d081884c7d659a2feaa0c55ad015'), 'https://ci.example.com/project/app/hook/****');
  assert.equal(maskWebhookUrl('https://ci.example.com/trigger/x7Kq2mP9vR4tL8wZ'), 'https://ci.example.com/trigger/****');
  // Ordinary words and short ids stay readable.
  assert.equal(maskWebhookUrl('https://ci.example.com/api/v4/projects/42/notify-on-push'), 'https://ci.example.com/api/v4/projects/42/notify-on-push');
});

test('slack URLs keep only scheme and host', () => {
  assert.equal(maskSlackUrl('https://hooks.slack.com/services/T0/B0/XYZ'), 'https://hooks.slack.com/****');
});

test('tokens are masked per method; other keys untouched', () => {
  assert.deepEqual(maskConfig('hipchat', { room_id: '12', notification_token: 't' }), { room_id: '12', notification_token: '****' });
  assert.deepEqual(maskConfig('flowdock', { flow_api_token: 't' }), { flow_api_token: '****' });
  assert.deepEqual(maskConfig('email', { email: 'a@example.com' }), { email: 'a@example.com' });
  const tpl = '{"a":"${repository}"}';
  assert.deepEqual(maskConfig('webhook', { url: 'https://u:p@h.example/x', template: tpl }), { url: 'https://****:****@h.example/x', template: tpl });
});
