import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import type { DeliveryJob } from '@herald/events';
import { TOPICS } from '@herald/kafka';
import { BreakerStateStore } from '@herald/store';
import { NotificationStore, type NotificationDoc } from '@herald/subscriptions';
import { startService, type ServiceProcess } from '@herald/testing';
import { openTestDb, type TestDb } from '../helpers/mongo.js';
import { eventually } from '../helpers/wait.js';
import { positionAtEnd } from '../support/job-reader.js';
import { BROKERS, REGISTRY_URL, startReceiver, WebhookFixture, type Receiver } from './webhook-fixture.js';

// Issue 18: jobs waiting on a rate limit or an open circuit breaker are consumed but not done, so
// their offsets are not committed: a SIGKILL of the delivery service loses none of them, and the
// breaker's open state survives the restart (restored from MongoDB: no burst at a failing endpoint).
const RATE = 2;
const PACED = 20;
const HELD = 6;
const OPEN_MS = 15_000;

const fx = new WebhookFixture();
const id = randomBytes(4).toString('hex');
const groupId = `herald-test-protection-crash-${id}`;
let testDb: TestDb;
let store: NotificationStore;
let svc: ServiceProcess | undefined;
let pacedRx: Receiver;
let downRx: Receiver;
let down = true;

before(async () => {
  await fx.setup();
  testDb = await openTestDb('protection_crash');
  store = new NotificationStore(testDb.db);
  await store.ensureIndexes();
  pacedRx = await startReceiver();
  downRx = await startReceiver(() => ({ status: down ? 503 : 200 }));
  fx.onTeardown(pacedRx.close);
  fx.onTeardown(downRx.close);
  await positionAtEnd(fx.kafka, groupId, [TOPICS.jobs('webhook'), ...[1, 2, 3].map((n) => TOPICS.retry('webhook', n))]);
});

after(async () => {
  await svc?.kill('SIGKILL');
  await fx.teardown();
  await testDb?.drop();
});

const env = () => ({
  KAFKA_BROKERS: BROKERS.join(','),
  SCHEMA_REGISTRY_URL: REGISTRY_URL,
  MONGO_DB: testDb.name,
  DELIVERY_GROUP_ID: groupId,
  DELIVERY_SESSION_TIMEOUT_MS: '6000',
  DELIVERY_RETRY_DELAYS_MS: '1000,2000,4000',
  BREAKER_FAILURES: '2',
  BREAKER_OPEN_MS: String(OPEN_MS),
  BREAKER_MAX_OPEN_MS: String(OPEN_MS),
  WEBHOOK_ALLOW_LIST: '127.0.0.1',
  LOG_LEVEL: process.env['TEST_SERVICE_LOG_LEVEL'] ?? 'warn',
});

const ids = (rx: Receiver, from = 0) => new Set(rx.requests.slice(from).map((r) => String(r.headers['webhook-id'])));

test('jobs waiting on a rate limit and on an open breaker survive a SIGKILL and are delivered after the restart', { timeout: 180_000 }, async () => {
  const paced: NotificationDoc = await fx.notifyIn(store, { url: `${pacedRx.url}/paced`, rate_limit: RATE });
  const failing: NotificationDoc = await fx.notifyIn(store, { url: `${downRx.url}/down` });
  const destination = `127.0.0.1:${downRx.port}`;
  svc = await startService('delivery-webhook', env(), `protection-crash-${id}-0`);
  await svc.ready(90_000);

  // Two failures open the breaker; then more jobs for it arrive and wait.
  const opening: DeliveryJob[] = [fx.job(failing), fx.job(failing)];
  await fx.publish(opening);
  const breakers = new BreakerStateStore(testDb.db);
  const opened = await eventually(async () => {
    const s = await breakers.get('webhook', destination);
    assert.equal(s?.state, 'open');
    return s;
  }, 20_000);
  const held = Array.from({ length: HELD }, () => fx.job(failing));
  const pacedJobs = Array.from({ length: PACED }, (_, i) => fx.job(paced, { updated_tags: [`p${i}`] }));
  await fx.publish([...held, ...pacedJobs]);
  // Killed while the paced jobs trickle out and the breaker holds the others.
  await pacedRx.waitFor(3, 20_000);
  const beforeKill = { paced: pacedRx.requests.length, down: downRx.requests.length };
  await svc.kill('SIGKILL');
  assert.ok(beforeKill.paced < PACED, 'the kill came while paced jobs were waiting');
  assert.equal(beforeKill.down, opening.length, 'nothing attempted to the open destination before the kill');

  down = false;
  svc = await startService('delivery-webhook', env(), `protection-crash-${id}-1`);
  await svc.ready(90_000);
  await eventually(() => {
    const got = ids(pacedRx);
    assert.equal(pacedJobs.filter((j) => !got.has(j.delivery_id)).length, 0, 'paced jobs delivered');
  }, 60_000, 100);
  await eventually(() => {
    const got = ids(downRx);
    assert.equal([...opening, ...held].filter((j) => !got.has(j.delivery_id)).length, 0, 'held jobs delivered');
  }, 60_000, 100);
  // The restarted service restored the open breaker: its first attempt there was the probe, at its time.
  const firstAfter = downRx.requests[opening.length]?.at ?? NaN;
  assert.ok(firstAfter >= (opened.next_probe_at?.getTime() ?? Infinity) - 50, `first attempt after the restart ${firstAfter - opened.since.getTime()} ms after opening`);
  assert.equal((await breakers.get('webhook', destination))?.state, 'closed');
  assert.equal((await store.get(failing.uuid))?.number_of_failures, 0);
  // Paced after the restart too: the burst of two, then one every 1/RATE s (one more for timing jitter).
  const after = pacedRx.requests.slice(beforeKill.paced);
  const spanS = ((after.at(-1)?.at ?? 0) - (after[0]?.at ?? 0)) / 1000;
  console.log(JSON.stringify({ test: 'delivery-protection-crash', before_kill: beforeKill, paced_requests: pacedRx.requests.length, down_requests: downRx.requests.length, paced_after_restart: after.length, span_s: spanS }));
  assert.ok(after.length <= RATE * spanS + 3, `${after.length} paced requests in ${spanS} s after the restart`);
  await svc.kill('SIGTERM');
  svc = undefined;
});
