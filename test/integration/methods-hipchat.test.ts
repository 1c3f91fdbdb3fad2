// SPEC §3 HipChat: the exact room-notification request per event kind (colour by level, notify on
// errors only), event text escaped, the room token out of the logs. Real Kafka, registry and
// FerretDB; a real HTTP server on loopback stands in for the HipChat API (HIPCHAT_API_URL).
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes, randomUUID } from 'node:crypto';
import { PassThrough } from 'node:stream';
// Tests start a service in-process through its app factory (and only that).
import { createApp, loadConfig, type DeliveryApp } from '@herald/delivery-hipchat';
import { createDeliveryJob, DELIVERY_JOB_SCHEMA, sampleEvent, SchemaRegistryCodec, SUBJECTS, type DeliveryJob, type EventKind, type RepositoryEvent } from '@herald/events';
import { createKafka, TOPICS, type Producer } from '@herald/kafka';
import { createLogger } from '@herald/logger';
import { NotificationStore, type NotificationDoc } from '@herald/subscriptions';
import { openTestDb, type TestDb } from '../helpers/mongo.js';
import { eventually } from '../helpers/wait.js';
import { BROKERS, positionAtEnd, REGISTRY_URL, startReceiver, type Receiver } from './webhook-fixture.js';

const kafka = createKafka({ brokers: BROKERS, clientId: 'herald-methods-hipchat-test' });
const codec = new SchemaRegistryCodec({ url: REGISTRY_URL });
const logs = new PassThrough();
const logLines: string[] = [];
logs.on('data', (c: Buffer) => logLines.push(c.toString('utf8')));
let db: TestDb;
let store: NotificationStore;
let app: DeliveryApp;
let producer: Producer;
let rx: Receiver;

before(async () => {
  rx = await startReceiver();
  db = await openTestDb('methods_hipchat');
  store = new NotificationStore(db.db);
  await store.ensureIndexes();
  const groupId = `herald-test-hipchat-${randomBytes(4).toString('hex')}`;
  await positionAtEnd(kafka, groupId, [TOPICS.jobs('hipchat'), TOPICS.retry('hipchat', 1)]);
  const config = loadConfig({
    ...process.env,
    KAFKA_BROKERS: BROKERS.join(','),
    SCHEMA_REGISTRY_URL: REGISTRY_URL,
    MONGO_DB: db.name,
    DELIVERY_GROUP_ID: groupId,
    DELIVERY_RETRY_DELAYS_MS: '200',
    DELIVERY_SESSION_TIMEOUT_MS: '6000',
    HIPCHAT_ALLOW_LIST: '127.0.0.1',
    HIPCHAT_API_URL: `${rx.url}/hipchat-api`,
    OPS_PORT: '0',
    SHUTDOWN_TIMEOUT_MS: '5000',
  });
  // Debug level, so that every log record the service can write is checked for secrets.
  app = createApp(config, createLogger({ service: 'delivery-hipchat', level: 'debug', destination: logs }));
  await app.start();
  producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
  await producer.connect();
  await codec.register(SUBJECTS.jobs('hipchat'), DELIVERY_JOB_SCHEMA);
});

after(async () => {
  await app?.stop();
  await producer?.disconnect();
  await rx?.close();
  await db?.drop();
});

/** A HipChat notification; its room token is a secret. */
async function hipchatNotification(event: EventKind, token = `tok${randomBytes(12).toString('hex')}`, roomId = '4242'): Promise<NotificationDoc> {
  const doc = await store.insert({
    uuid: randomUUID(),
    repository: `hip-${randomBytes(3).toString('hex')}/app`,
    event,
    method: 'hipchat',
    config: { room_id: roomId, notification_token: token },
    event_config: {},
    title: null,
    signing_secret: '',
    created_by: 'alice',
  });
  return doc;
}

async function publish(n: NotificationDoc, body: Record<string, unknown> = {}): Promise<DeliveryJob> {
  const event = sampleEvent(n.event as EventKind, { repository: n.repository, body }) as RepositoryEvent;
  const job = createDeliveryJob({ event, notificationUuid: n.uuid, method: 'hipchat' });
  await producer.send({ topic: TOPICS.jobs('hipchat'), acks: -1, messages: [{ key: n.uuid, value: codec.encode(SUBJECTS.jobs('hipchat'), job) }] });
  return job;
}

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
  for (const n of await store.col.find({}).toArray()) {
    const token = String(n.config['notification_token']);
    assert.ok(!all.includes(token), `${token} was logged`);
  }
});
