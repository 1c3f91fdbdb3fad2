// Issue 14: infrastructure failures never count as endpoint failures. The in-app service's "endpoint"
// write goes to MongoDB, which it reaches through a TCP proxy that is cut while a job is attempted:
// the attempt waits for the database (no retry level used, no dead letter, no failure counted) and
// the notification is delivered once, not disabled, when the database is back. The failure threshold
// is 1 and the one retry level 200 ms, so a single miscounted failure would disable it.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes, randomUUID } from 'node:crypto';
import { PassThrough } from 'node:stream';
import { stackAddresses } from '@herald/config';
import { AttemptLog, type DeliveryApp } from '@herald/delivery';
// Tests start a service in-process through its app factory (and only that).
import { createApp, loadConfig } from '@herald/delivery-inapp';
import { createDeliveryJob, DELIVERY_JOB_SCHEMA, sampleEvent, SchemaRegistryCodec, SUBJECTS, type DeliveryJob, type RepositoryEvent } from '@herald/events';
import { createKafka, TOPICS, type Producer } from '@herald/kafka';
import { createLogger } from '@herald/logger';
import { InAppStore } from '@herald/store';
import { NotificationStore, registryChangeCodec, SubscriptionChangePublisher, type NotificationDoc } from '@herald/subscriptions';
import { openTestDb, type TestDb } from '../helpers/mongo.js';
import { TcpProxy } from '../helpers/tcp-proxy.js';
import { eventually } from '../helpers/wait.js';
import { positionAtEnd } from '../support/job-reader.js';
import { BROKERS, REGISTRY_URL } from './webhook-fixture.js';

const kafka = createKafka({ brokers: BROKERS, clientId: 'herald-infra-failures-test' });
const codec = new SchemaRegistryCodec({ url: REGISTRY_URL });
const logger = createLogger({ service: 'infra-failures-test', level: 'warn' });
const repository = `infra${randomBytes(3).toString('hex')}/app`;
const serviceLog: string[] = [];
let testDb: TestDb;
let proxy: TcpProxy;
let app: DeliveryApp;
let producer: Producer;
let feed: SubscriptionChangePublisher;

before(async () => {
  testDb = await openTestDb('infra_failures');
  await new NotificationStore(testDb.db).ensureIndexes();
  const mongo = new URL(stackAddresses().mongoUrl);
  proxy = await TcpProxy.start({ host: mongo.hostname, port: Number(mongo.port || 27017) });
  const groupId = `herald-test-infra-${randomBytes(4).toString('hex')}`;
  await positionAtEnd(kafka, groupId, [TOPICS.jobs('quay_notification'), TOPICS.retry('quay_notification', 1)]);
  const config = loadConfig({
    ...process.env,
    KAFKA_BROKERS: BROKERS.join(','),
    SCHEMA_REGISTRY_URL: REGISTRY_URL,
    MONGO_URL: `mongodb://127.0.0.1:${proxy.port}/?retryWrites=false&serverSelectionTimeoutMS=1000`,
    MONGO_DB: testDb.name,
    DELIVERY_GROUP_ID: groupId,
    DELIVERY_RETRY_DELAYS_MS: '200',
    DELIVERY_FAILURE_THRESHOLD: '1',
    DELIVERY_SESSION_TIMEOUT_MS: '6000',
    OPS_PORT: '0',
    SHUTDOWN_TIMEOUT_MS: '5000',
  });
  const out = new PassThrough();
  out.on('data', (c: Buffer) => serviceLog.push(...c.toString('utf8').split('\n').filter(Boolean)));
  app = createApp(config, createLogger({ service: 'delivery-inapp', level: 'warn', destination: out }));
  await app.start();
  producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
  await producer.connect();
  await codec.register(SUBJECTS.jobs('quay_notification'), DELIVERY_JOB_SCHEMA);
  feed = new SubscriptionChangePublisher(kafka, registryChangeCodec(codec), logger);
  await feed.connect();
});

after(async () => {
  await proxy?.restore().catch(() => undefined);
  await app?.stop();
  await producer?.disconnect();
  await feed?.disconnect();
  await proxy?.cut();
  await testDb?.drop();
});

function jobFor(n: NotificationDoc): DeliveryJob {
  const event = sampleEvent('repo_push', { repository }) as RepositoryEvent;
  return createDeliveryJob({ event, notificationUuid: n.uuid, method: 'quay_notification' });
}

async function publish(job: DeliveryJob): Promise<void> {
  await producer.send({ topic: TOPICS.jobs('quay_notification'), acks: -1, messages: [{ key: job.notification_uuid, value: codec.encode(SUBJECTS.jobs('quay_notification'), job) }] });
}

test('MongoDB down inside the sender: the attempt waits, nothing is counted, delivered once when it is back', { timeout: 90_000 }, async () => {
  const store = new NotificationStore(testDb.db);
  const inapp = new InAppStore(testDb.db);
  const n = await store.insert({
    uuid: randomUUID(),
    repository,
    event: 'repo_push',
    method: 'quay_notification',
    config: { target: { kind: 'user', name: 'alice' } },
    event_config: {},
    title: 'infra',
    signing_secret: 'whsec_test',
    created_by: 'alice',
  });
  await feed.upsert(n);
  // One delivery while the database answers: the service knows the notification from then on, so
  // the next job reaches the sender without a lookup.
  const first = jobFor(n);
  await publish(first);
  await eventually(async () => assert.equal(await inapp.col.countDocuments({ delivery_id: first.delivery_id }), 1), 30_000, 100);

  await proxy.cut();
  const second = jobFor(n);
  await publish(second);
  await eventually(() => assert.ok(serviceLog.some((l) => l.includes('"attempt waits for a dependency'))), 30_000, 100);
  await proxy.restore();

  await eventually(async () => assert.equal(await inapp.col.countDocuments({ delivery_id: second.delivery_id }), 1), 30_000, 100);
  const doc = await store.get(n.uuid);
  assert.equal(doc?.disabled, false, 'not disabled');
  assert.equal(doc?.number_of_failures, 0, 'no failure counted');
  const log = new AttemptLog(testDb.db);
  const entries = await eventually(async () => {
    const list = await log.list(n.uuid);
    assert.equal(list.length, 2);
    return list;
  }, 30_000, 200);
  assert.deepEqual(entries.map((e) => e.outcome).sort(), ['success', 'success'], 'no retry or dead letter recorded for the endpoint');
  assert.ok(!serviceLog.some((l) => l.includes('"delivery dead-lettered"')));
});
