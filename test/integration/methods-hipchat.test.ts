// SPEC §3 HipChat: the exact room-notification request per event kind (colour by level, notify on
// errors only), event text escaped, the room token out of the logs. Real Kafka, registry and
// FerretDB; a real HTTP server on loopback stands in for the HipChat API (HIPCHAT_API_URL).
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
// Tests start a service in-process through its app factory (and only that).
import { createApp, loadConfig } from '@herald/delivery-hipchat';
import { sampleEvent, type EventKind } from '@herald/events';
import type { NotificationDoc } from '@herald/subscriptions';
import { eventually } from '../helpers/wait.js';
import { MethodTestbed } from '../support/method-testbed.js';
import { startReceiver, type Receiver } from './webhook-fixture.js';

const bed = new MethodTestbed('hipchat');
const { logLines } = bed;
let rx: Receiver;

before(async () => {
  rx = await startReceiver();
  await bed.setup({
    HIPCHAT_ALLOW_LIST: '127.0.0.1',
    HIPCHAT_API_URL: `${rx.url}/hipchat-api`,
  }, (env, logger) => createApp(loadConfig(env), logger));
});

after(async () => {
  await bed.teardown();
  await rx?.close();
});

/** A HipChat notification; its room token is a secret. */
const hipchatNotification = (event: EventKind, token = `tok${randomBytes(12).toString('hex')}`, roomId = '4242'): Promise<NotificationDoc> =>
  bed.notification(event, { room_id: roomId, notification_token: token }, 'hip');

const publish = (n: NotificationDoc, body: Record<string, unknown> = {}) => bed.publish(n, body);

async function requestTo(path: string) {
  return eventually(() => {
    const r = rx.requests.find((q) => q.url === path);
    assert.ok(r, `no request to ${path} yet`);
    return r;
  }, 20_000);
}

test('repo_push, build_failure and vulnerability_found arrive exactly as SPEC §3 describes', async () => {
  const cases: Array<{ event: EventKind; color: string; notify: boolean; message: RegExp; priority?: 'Medium' }> = [
    { event: 'repo_push', color: 'purple', notify: false, message: /^<b>jdoe<\/b> pushed tags <b>latest<\/b>, <b>v1\.4\.2<\/b> to repository <b><a href="https:\/\/registry\.example\.com\/repository\/hip-\w+\/app">hip-\w+\/app<\/a><\/b>\.$/ },
    { event: 'build_failure', color: 'red', notify: true, message: /^<b><a href="https:\/\/registry\.example\.com\/repository\/hip-\w+\/app\/build\/8c2f6a1e-[\w-]+">Build 8c2f6a1<\/a><\/b> failed for commit .*<br><b>Error:<\/b> Could not pull base image: manifest unknown$/ },
    { event: 'vulnerability_found', color: 'red', notify: true, message: /^A <b>Critical<\/b> vulnerability, <b><a href="https:\/\/nvd\.nist\.gov\/vuln\/detail\/CVE-2024-6387">CVE-2024-6387<\/a><\/b>, was detected in tags/ },
    { event: 'vulnerability_found', color: 'yellow', notify: false, priority: 'Medium', message: /^A <b>Medium<\/b> vulnerability/ },
  ];
  for (const [i, c] of cases.entries()) {
    const token = `tok${i}${randomBytes(6).toString('hex')}`;
    const room = String(100 + i);
    const n = await hipchatNotification(c.event, token, room);
    const base = sampleEvent('vulnerability_found').body.vulnerability;
    await publish(n, c.priority ? { vulnerability: { ...base, priority: c.priority } } : {});
    const r = await requestTo(`/hipchat-api/v2/room/${room}/notification?auth_token=${token}`);
    assert.equal(r.method, 'POST');
    assert.equal(r.headers['content-type'], 'application/json');
    const body = JSON.parse(r.body) as Record<string, unknown>;
    assert.deepEqual(Object.keys(body), ['color', 'message', 'notify', 'message_format']);
    assert.deepEqual({ ...body, message: '' }, { color: c.color, message: '', notify: c.notify, message_format: 'html' }, `${c.event} ${c.priority ?? ''}`);
    assert.match(String(body['message']), c.message, c.event);
  }
});

test('HTML in event text arrives escaped', async () => {
  const token = `tokinject${randomBytes(6).toString('hex')}`;
  const n = await hipchatNotification('repo_push', token, '77');
  await publish(n, { updated_tags: ['<script>alert(1)</script>', '*bold*&<!channel>'] });
  const r = await requestTo(`/hipchat-api/v2/room/77/notification?auth_token=${token}`);
  const message = String((JSON.parse(r.body) as { message: string }).message);
  assert.ok(!message.includes('<script>') && !message.includes('<!channel>'), message);
  assert.ok(message.includes('<b>&lt;script&gt;alert(1)&lt;/script&gt;</b>, <b>*bold*&amp;&lt;!channel&gt;</b>'), message);
});

test('room tokens never appear in the logs', async () => {
  const all = logLines.join('');
  assert.ok(all.includes('delivery-hipchat started'), 'the service logged');
  for (const n of await bed.store.col.find({}).toArray()) {
    const token = String(n.config['notification_token']);
    assert.ok(!all.includes(token), `${token} was logged`);
  }
});
