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
import { NotificationStore, type NotificationDoc } from '@herald/subscriptions';
import { openTestDb, type TestDb } from '../helpers/mongo.js';
import { TcpProxy } from '../helpers/tcp-proxy.js';
import { eventually } from '../helpers/wait.js';
import { positionAtEnd } from '../support/job-reader.js';
import { BROKERS, REGISTRY_URL } from './webhook-fixture.js';

const kafka = createKafka({ brokers: BROKERS, clientId: 'herald-infra-failures-test' });
const codec = new SchemaRegistryCodec({ url: REGISTRY_URL });
const repository = `infra${randomBytes(3).toString('hex')}/app`;
const serviceLog: string[] = [];
let testDb: TestDb;
let proxy: TcpProxy;
let app: DeliveryApp;
let producer: Producer;
let n: NotificationDoc;

before(async () => {
  testDb = await openTestDb('infra_failures');
  const store = new NotificationStore(testDb.db);
  await store.ensureIndexes();
  // Stored before the service starts: its view loads it from MongoDB, and no later change on the
  // feed can make it look the notification up again while the database is cut.
  n = await store.insert({
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
  app = createApp(config, createLogger({ service: 'delivery-inapp', level: 'info', destination: out }));
  await app.start();
  producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
  await producer.connect();
  await codec.register(SUBJECTS.jobs('quay_notification'), DELIVERY_JOB_SCHEMA);
});

after(async () => {
  await proxy?.restore().catch(() => undefined);
  await app?.stop();
  await producer?.disconnect();
  await proxy?.cut();
  await testDb?.drop();
});

function jobFor(): DeliveryJob {
  const event = sampleEvent('repo_push', { repository }) as RepositoryEvent;
  return createDeliveryJob({ event, notificationUuid: n.uuid, method: 'quay_notification' });
}

async function publish(job: DeliveryJob): Promise<void> {
  await producer.send({ topic: TOPICS.jobs('quay_notification'), acks: -1, messages: [{ key: job.notification_uuid, value: codec.encode(SUBJECTS.jobs('quay_notification'), job) }] });
}

test('MongoDB down inside the sender: the attempt waits, nothing is counted, delivered once when it is back', { timeout: 90_000 }, async () => {
  const store = new NotificationStore(testDb.db);
  const inapp = new InAppStore(testDb.db);
  // One delivery while the database answers: the service has the notification's document cached
  // from then on, so the next job reaches the sender without a lookup.
  const first = jobFor();
  await publish(first);
  await eventually(async () => assert.equal(await inapp.col.countDocuments({ delivery_id: first.delivery_id }), 1), 30_000, 100);

  await proxy.cut();
  const second = jobFor();
  await publish(second);
  // With a message: assert.ok without one parses the test's source on every failed poll (seconds of
  // CPU under tsx), which blocked this process's loop, and the in-process service with it.
  await eventually(() => assert.ok(serviceLog.some((l) => l.includes('"attempt waits for a dependency')), 'the attempt met the outage'), 30_000, 100).catch(async (err: unknown) => {
    // What the service was doing, for whoever meets this failing.
    const metrics = (await (await fetch(`http://127.0.0.1:${app.opsPort()}/metrics`)).text()).split('\n').filter((l) => /^herald_delivery_(in_flight|buffered|attempts_total|stalled)/.test(l));
    throw new Error(`${(err as Error).message}; metrics:\n${metrics.join('\n')}\nlog:\n${serviceLog.slice(-20).join('\n')}`, { cause: err });
  });
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
  assert.ok(!serviceLog.some((l) => l.includes('"delivery dead-lettered"')), 'nothing dead-lettered');
});
