// SPEC §6 / DESIGN: a delivery service scales out as a consumer group. Two instances of the Slack
// delivery service share one group: both take part, and every job is delivered exactly once in
// normal operation. Real Kafka, registry and FerretDB; a real HTTP receiver on loopback.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes, randomUUID } from 'node:crypto';
import { PassThrough } from 'node:stream';
// Tests start a service in-process through its app factory (and only that).
import { createApp, loadConfig, type DeliveryApp } from '@herald/delivery-slack';
import { createDeliveryJob, DELIVERY_JOB_SCHEMA, sampleEvent, SchemaRegistryCodec, SUBJECTS } from '@herald/events';
import { createKafka, PARTITIONS, TOPICS, type Producer } from '@herald/kafka';
import { createLogger } from '@herald/logger';
import { NotificationStore } from '@herald/subscriptions';
import { openTestDb, type TestDb } from '../helpers/mongo.js';
import { eventually } from '../helpers/wait.js';
import { BROKERS, REGISTRY_URL, sleep, startReceiver, type Receiver } from './webhook-fixture.js';
import { positionAtEnd } from '../support/job-reader.js';

const JOBS = 60;
const kafka = createKafka({ brokers: BROKERS, clientId: 'herald-methods-scaling-test' });
const codec = new SchemaRegistryCodec({ url: REGISTRY_URL });
const groupId = `herald-test-slack-scale-${randomBytes(4).toString('hex')}`;
const topics = [TOPICS.jobs('slack'), TOPICS.retry('slack', 1)];
/** The partitions each instance last said it was assigned. */
const assigned = new Map<string, number>();
const apps: DeliveryApp[] = [];
let db: TestDb;
let rx: Receiver;
let producer: Producer;

/** Starts one instance; its `partitions assigned` log records are tracked under `name`. */
async function instance(name: string): Promise<void> {
  const logs = new PassThrough();
  let tail = '';
  logs.on('data', (c: Buffer) => {
    const lines = (tail + c.toString('utf8')).split('\n');
    tail = lines.pop() ?? '';
    for (const line of lines) {
      const rec = JSON.parse(line) as { msg?: string; partitions?: number };
      if (rec.msg === 'partitions assigned') assigned.set(name, rec.partitions ?? 0);
    }
  });
  const config = loadConfig({
    ...process.env,
    KAFKA_BROKERS: BROKERS.join(','),
    SCHEMA_REGISTRY_URL: REGISTRY_URL,
    MONGO_DB: db.name,
    DELIVERY_GROUP_ID: groupId,
    DELIVERY_RETRY_DELAYS_MS: '200',
    DELIVERY_SESSION_TIMEOUT_MS: '6000',
    SLACK_ALLOW_LIST: '127.0.0.1',
    // The receiver tells the instances apart by these.
    SLACK_USER_AGENT: `herald-${name}`,
    SLACK_USERNAME: `Herald ${name}`,
    OPS_PORT: '0',
    SHUTDOWN_TIMEOUT_MS: '5000',
  });
  const app = createApp(config, createLogger({ service: 'delivery-slack', level: 'info', destination: logs }));
  apps.push(app);
  await app.start();
}

before(async () => {
  rx = await startReceiver();
  db = await openTestDb('methods_scaling');
  await positionAtEnd(kafka, groupId, topics);
  await instance('a');
  await instance('b');
  producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
  await producer.connect();
  await codec.register(SUBJECTS.jobs('slack'), DELIVERY_JOB_SCHEMA);
});

after(async () => {
  for (const app of apps) await app.stop();
  await producer?.disconnect();
  await rx?.close();
  await db?.drop();
});

test('two instances share the load of one delivery service, each job delivered once', async () => {
  // Publish only once the group is settled: both members own partitions and together all of them.
  await eventually(() => {
    const a = assigned.get('a') ?? 0;
    const b = assigned.get('b') ?? 0;
    assert.ok(a > 0 && b > 0 && a + b === PARTITIONS.jobs * topics.length, `a=${a} b=${b}`);
  }, 60_000, 100);

  const store = new NotificationStore(db.db);
  const messages = [];
  for (let i = 0; i < JOBS; i++) {
    const n = await store.insert({
      uuid: randomUUID(),
      repository: `scale-${i}/app`,
      event: 'repo_push',
      method: 'slack',
      config: { url: `${rx.url}/services/${i}` },
      event_config: {},
      title: null,
      signing_secret: '',
      created_by: 'alice',
    });
    const job = createDeliveryJob({ event: sampleEvent('repo_push', { repository: n.repository }), notificationUuid: n.uuid, method: 'slack' });
    messages.push({ key: n.uuid, value: codec.encode(SUBJECTS.jobs('slack'), job) });
  }
  await producer.send({ topic: TOPICS.jobs('slack'), acks: -1, messages });

  await rx.waitFor(JOBS, 60_000);
  await sleep(2_000); // a duplicate would arrive about now
  assert.equal(rx.requests.length, JOBS, 'no job was delivered twice');
  const paths = rx.requests.map((r) => r.url);
  assert.deepEqual([...paths].sort(), Array.from({ length: JOBS }, (_, i) => `/services/${i}`).sort());
  const byInstance = new Map<string, number>();
  for (const r of rx.requests) {
    const agent = String(r.headers['user-agent']);
    byInstance.set(agent, (byInstance.get(agent) ?? 0) + 1);
    assert.equal((JSON.parse(r.body) as { username: string }).username, agent === 'herald-a' ? 'Herald a' : 'Herald b');
  }
  assert.deepEqual([...byInstance.keys()].sort(), ['herald-a', 'herald-b'], 'both instances delivered');
  assert.ok((byInstance.get('herald-a') ?? 0) >= 5 && (byInstance.get('herald-b') ?? 0) >= 5, JSON.stringify([...byInstance]));
});
