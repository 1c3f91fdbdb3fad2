import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createDeliveryJob, sampleEvent } from '@herald/events';
import { AttemptCapture, secretsOf } from './inspection.js';

const job = createDeliveryJob({ event: sampleEvent('repo_push'), notificationUuid: '5d2c7b9e-0a41-4e3a-9f10-8c2f6a1e4b7d', method: 'webhook', test: false });
const limits = { requestBodyBytes: 64, responseBodyBytes: 16 };

function stored(config: Record<string, unknown>, url: string, headers: Record<string, string> = {}, body = '{}', reply?: { headers: Record<string, string>; body: string }) {
  const c = new AttemptCapture(job, null, limits, null);
  c.request('POST', url, { 'content-type': 'application/json', ...headers }, body);
  if (reply) c.response({ statusCode: 200, headers: reply.headers, body: Buffer.from(reply.body), bodyBytes: Buffer.byteLength(reply.body) });
  return c.masked(secretsOf({ config, signing_secret: 'whsec_c2lnbmluZy1zZWNyZXQtdmFsdWU=' }));
}

test('chat tokens never reach the record: Slack path, HipChat auth_token, Flowdock token (however short)', () => {
  const slack = 'https://hooks.slack.com/services/T000/B000/xoxSlackToken1';
  const hip = 'https://hipchat.example/v2/room/42/notification?auth_token=hipTok9';
  const flow = 'https://api.flowdock.example/v1/messages/team_inbox/fd12';
  const cases = [
    { config: { url: slack }, url: slack, secret: 'xoxSlackToken1' },
    { config: { room_id: '42', notification_token: 'hipTok9' }, url: hip, secret: 'hipTok9' },
    { config: { flow_api_token: 'fd12' }, url: flow, secret: 'fd12' },
  ];
  for (const c of cases) {
    const r = stored(c.config, c.url, {}, `{"echo": "${c.secret}"}`, { headers: { 'x-echo': c.secret }, body: c.secret });
    const all = JSON.stringify(r);
    assert.ok(!all.includes(c.secret), `${c.url}: ${all}`);
    assert.match(r.request?.url ?? '', /^https:\/\/[a-z.]+\//, 'scheme and host stay visible');
  }
});

test('secret-bearing headers are masked, the signature is kept; bodies are capped and flagged', () => {
  const r = stored(
    { url: 'https://ci.example/hook' },
    'https://ci.example/hook',
    { authorization: 'Bearer abc', 'x-api-key': 'k1', 'webhook-signature': 'v1,sig==', 'x-other': 'visible' },
    'a'.repeat(100),
    { headers: { 'set-cookie': 's=1', server: 'nginx' }, body: 'b'.repeat(40) },
  );
  assert.deepEqual(r.request?.headers, { 'content-type': 'application/json', authorization: '****', 'x-api-key': '****', 'webhook-signature': 'v1,sig==', 'x-other': 'visible' });
  assert.deepEqual([r.request?.body.length, r.request?.body_bytes, r.request?.body_truncated], [64, 100, true]);
  assert.deepEqual([r.response?.headers['set-cookie'], r.response?.headers['server']], ['****', 'nginx']);
  assert.deepEqual([r.response?.body, r.response?.body_bytes, r.response?.body_truncated], ['b'.repeat(16), 40, true]);
});

test('the signing secret is scrubbed wherever it appears', () => {
  const r = stored({ url: 'https://ci.example/hook' }, 'https://ci.example/hook', {}, '{"leak": "whsec_c2lnbmluZy1zZWNyZXQtdmFsdWU="}');
  assert.equal(r.request?.body, '{"leak": "****"}');
});
