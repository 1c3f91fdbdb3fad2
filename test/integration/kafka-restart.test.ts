import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { TOPICS } from '@herald/kafka';
import { kafkaBrokerPids, startKafkaBroker, stopKafkaBroker } from '@herald/infra';
import { NotificationStore } from '@herald/subscriptions';
import { startService, type ServiceProcess } from '@herald/testing';
import { openTestDb, TEST_MONGO_URL, type TestDb } from '../helpers/mongo.js';
import { readyz } from '../helpers/http.js';
import { eventually } from '../helpers/wait.js';
import { positionAtEnd } from '../support/job-reader.js';
import { BROKERS, REGISTRY_URL, startReceiver, WebhookFixture, type Receiver } from './webhook-fixture.js';

// Issue 14: Kafka itself goes away (every broker of the stack killed, as a crash would) and comes
// back. The delivery service says so on /readyz, stays alive, and after the brokers return it is
// ready and delivers a fresh job within 10 s. Before, a consumer whose retries ran out during the
// outage restarted as a new group member and the coordinator held its join for the old member's
// whole session timeout (kafkajs-patches.ts).
const fx = new WebhookFixture();
const id = randomBytes(4).toString('hex');
const groupId = `herald-test-kafka-restart-${id}`;
let testDb: TestDb;
let rx: Receiver;
let svc: ServiceProcess | undefined;
let brokers: number[] = [];

before(async () => {
  await fx.setup();
  testDb = await openTestDb('kafka_restart');
  rx = await startReceiver();
  fx.onTeardown(rx.close);
  await positionAtEnd(fx.kafka, groupId, [TOPICS.jobs('webhook'), ...[1, 2, 3].map((n) => TOPICS.retry('webhook', n))]);
  brokers = (await kafkaBrokerPids()).flatMap((pid, i) => (pid === undefined ? [] : [i]));
});

after(async () => {
  await svc?.kill('SIGKILL');
  // Whatever happened, the stack is left with every broker running for the tests after this one.
  for (const i of brokers) await startKafkaBroker(i).catch((err: unknown) => console.error(err));
  await fx.teardown();
  await testDb?.drop();
});

test('kafka restart: 503 naming kafka while it is down, alive, then ready and delivering within 10 s of its return', { timeout: 240_000 }, async (t) => {
  if (brokers.length === 0) return t.skip('the stack was not started by this checkout: its brokers cannot be restarted');
  const store = new NotificationStore(testDb.db);
  await store.ensureIndexes();
  const n = await fx.notifyIn(store, { url: `${rx.url}/hook` }, { repository: `kafka-restart-${id}/app`, createdBy: 'kafka-restart-test' });
  svc = await startService('delivery-webhook', {
    KAFKA_BROKERS: BROKERS.join(','),
    SCHEMA_REGISTRY_URL: REGISTRY_URL,
    MONGO_URL: TEST_MONGO_URL,
    MONGO_DB: testDb.name,
    DELIVERY_GROUP_ID: groupId,
    DELIVERY_RETRY_DELAYS_MS: '500,1000,2000',
    WEBHOOK_ALLOW_LIST: '127.0.0.1',
    LOG_LEVEL: 'warn',
  }, `webhook-kafka-restart-${id}`);
  await svc.ready(90_000);
  const port = svc.opsPort;
  const before = fx.job(n);
  await fx.publish([before]);
  await eventually(() => assert.ok(rx.requests.some((q) => q.headers['webhook-id'] === before.delivery_id)), 20_000, 100);

  for (const i of brokers) await stopKafkaBroker(i, { signal: 'SIGKILL' });
  const down = await eventually(async () => {
    const r = await readyz(port);
    assert.equal(r.status, 503, 'not ready while Kafka is down');
    return r;
  }, 20_000, 200);
  assert.match(String(down.reason), /kafka/);
  // Long enough for the consumer's retries to run out, so it restarts (the case that was slow).
  await new Promise((r) => setTimeout(r, 20_000));
  assert.equal((await fetch(`http://127.0.0.1:${port}/healthz`)).status, 200, 'alive: the process recovers by itself');

  for (const i of brokers) await startKafkaBroker(i);
  const back = Date.now();
  const job = fx.job(n);
  await fx.publish([job]);
  await eventually(() => assert.ok(rx.requests.some((q) => q.headers['webhook-id'] === job.delivery_id), 'a fresh job delivered'), 10_000, 100);
  const deliveredMs = Date.now() - back;
  await eventually(async () => assert.equal((await readyz(port)).status, 200, 'ready again without a restart'), 10_000, 200);
  console.log(JSON.stringify({ test: 'kafka-restart', brokers: brokers.length, delivered_after_ms: deliveredMs, ready_after_ms: Date.now() - back, reason: down.reason }));
  await svc.kill('SIGTERM');
  svc = undefined;
});
