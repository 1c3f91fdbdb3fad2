import { test } from 'node:test';
import assert from 'node:assert/strict';
import { maskConfig, maskSlackUrl, maskWebhookUrl } from './mask.js';

test('webhook URLs: credentials and query values masked, host and path kept', () => {
  assert.equal(maskWebhookUrl('https://user:pw@hooks.example.com/a/b?token=s3cret&x=1#frag'), 'https://****:****@hooks.example.com/a/b?token=****&x=****');
  assert.equal(maskWebhookUrl('https://hooks.example.com/plain'), 'https://hooks.example.com/plain');
  assert.equal(maskWebhookUrl('not a url'), '****');
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
