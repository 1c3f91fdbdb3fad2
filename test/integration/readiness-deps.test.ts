import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { TOPICS } from '@herald/kafka';
import { stackAddresses } from '@herald/config';
import { NotificationStore } from '@herald/subscriptions';
import { startService, type ServiceProcess } from '@herald/testing';
import { openTestDb, type TestDb } from '../helpers/mongo.js';
import { TcpProxy } from '../helpers/tcp-proxy.js';
import { readyz } from '../helpers/http.js';
import { eventually } from '../helpers/wait.js';
import { positionAtEnd } from '../support/job-reader.js';
import { BROKERS, REGISTRY_URL, startReceiver, WebhookFixture, type Receiver } from './webhook-fixture.js';

// Issue 14: /readyz is 503 while a dependency the service needs right now is unreachable, naming
// it, and 200 again by itself when it is back; the first fresh delivery follows within 10 s.
// MongoDB's outage is real: the service reaches FerretDB through a TCP proxy that is cut.
const fx = new WebhookFixture();
const id = randomBytes(4).toString('hex');
const groupId = `herald-test-readiness-${id}`;
let proxy: TcpProxy;
let testDb: TestDb;
let rx: Receiver;
let svc: ServiceProcess | undefined;

before(async () => {
  await fx.setup();
  testDb = await openTestDb('readiness');
  const mongo = new URL(stackAddresses().mongoUrl);
  proxy = await TcpProxy.start({ host: mongo.hostname, port: Number(mongo.port || 27017) });
  rx = await startReceiver();
  fx.onTeardown(rx.close);
  await positionAtEnd(fx.kafka, groupId, [TOPICS.jobs('webhook'), ...[1, 2, 3].map((n) => TOPICS.retry('webhook', n))]);
});

after(async () => {
  await svc?.kill('SIGKILL');
  await proxy?.cut();
  await fx.teardown();
  await testDb?.drop();
});

test('readiness: 503 naming mongodb while it is unreachable, 200 by itself when it is back, then delivers within 10 s', { timeout: 180_000 }, async () => {
  const store = new NotificationStore(testDb.db);
  await store.ensureIndexes();
  const n = await fx.notifyIn(store, { url: `${rx.url}/hook` }, { repository: `ready-${id}/app`, createdBy: 'readiness-test' });
  svc = await startService('delivery-webhook', {
    KAFKA_BROKERS: BROKERS.join(','),
    SCHEMA_REGISTRY_URL: REGISTRY_URL,
    MONGO_URL: `mongodb://127.0.0.1:${proxy.port}/?retryWrites=false`,
    MONGO_DB: testDb.name,
    DELIVERY_GROUP_ID: groupId,
    DELIVERY_RETRY_DELAYS_MS: '500,1000,2000',
    WEBHOOK_ALLOW_LIST: '127.0.0.1',
    LOG_LEVEL: 'warn',
  }, `webhook-readiness-${id}`);
  await svc.ready(90_000);
  const port = svc.opsPort;
  assert.equal((await readyz(port)).status, 200);

  await proxy.cut();
  const down = await eventually(async () => {
    const r = await readyz(port);
    assert.equal(r.status, 503, 'not ready while MongoDB is unreachable');
    return r;
  }, 15_000, 200);
  assert.match(String(down.reason), /^mongodb unreachable/);
  assert.equal((await fetch(`http://127.0.0.1:${port}/healthz`)).status, 200, 'alive: the process recovers by itself');

  // A job published during the outage (a fresh notification lookup needs MongoDB) waits for it.
  const job = fx.job(n);
  await fx.publish([job]);
  await new Promise((r) => setTimeout(r, 2_000));
  await proxy.restore();
  const back = Date.now();
  await eventually(async () => assert.equal((await readyz(port)).status, 200, 'ready again without a restart'), 15_000, 200);
  await eventually(() => assert.ok(rx.requests.some((q) => q.headers['webhook-id'] === job.delivery_id), 'delivered after MongoDB returned'), 10_000, 100);
  console.log(JSON.stringify({ test: 'readiness-deps', ready_after_ms: Date.now() - back, reason: down.reason }));
  await svc.kill('SIGTERM');
  svc = undefined;
});
