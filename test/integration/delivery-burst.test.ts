import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import type { DeliveryJob } from '@herald/events';
import { consumerLag, TOPICS } from '@herald/kafka';
import { NotificationStore, type NotificationDoc } from '@herald/subscriptions';
import { startService, type ServiceProcess } from '@herald/testing';
import { openTestDb, type TestDb } from '../helpers/mongo.js';
import { eventually } from '../helpers/wait.js';
import { positionAtEnd } from '../support/job-reader.js';
import { BROKERS, REGISTRY_URL, sleep, startReceiver, WebhookFixture, type Receiver } from './webhook-fixture.js';

// Issue 14: a burst aimed at one notification (so one partition) must not stall its partition.
// ≥ 50,000 jobs for one notification plus traffic for 50 others, the webhook service as its own
// process: every job delivered and the group's commit point at the end of every partition.
const HOT_JOBS = Number(process.env['HERALD_BURST_JOBS'] ?? 50_000);
const OTHERS = 50;
const PER_OTHER = 20;

const fx = new WebhookFixture();
const id = randomBytes(4).toString('hex');
const groupId = `herald-test-burst-${id}`;
const delivered = new Map<string, number>();
let rx: Receiver;
let testDb: TestDb;
let svc: ServiceProcess | undefined;
let hot: NotificationDoc;
const others: NotificationDoc[] = [];

before(async () => {
  await fx.setup();
  testDb = await openTestDb('webhook_burst');
  const store = new NotificationStore(testDb.db);
  await store.ensureIndexes();
  rx = await startReceiver((r) => {
    const did = String(r.headers['webhook-id']);
    delivered.set(did, (delivered.get(did) ?? 0) + 1);
    return { status: 200 };
  });
  // The receiver keeps only counts: 50,000 request records would weigh on the test process.
  rx.requests.push = () => 0;
  fx.onTeardown(rx.close);
  const insert = (i: number) => fx.notifyIn(store, { url: `${rx.url}/n/${i}` }, { repository: `burst-${id}/repo-${i}`, createdBy: 'burst-test' });
  hot = await insert(0);
  for (let i = 1; i <= OTHERS; i++) others.push(await insert(i));
  await positionAtEnd(fx.kafka, groupId, [TOPICS.jobs('webhook'), ...[1, 2, 3].map((n) => TOPICS.retry('webhook', n))]);
});

after(async () => {
  await svc?.kill('SIGKILL');
  await fx.teardown();
  await testDb?.drop();
});

test(`burst: ${HOT_JOBS} jobs for one notification plus ${OTHERS} others, all delivered, commit point at the end`, { timeout: 600_000 }, async () => {
  svc = await startService(
    'delivery-webhook',
    {
      KAFKA_BROKERS: BROKERS.join(','),
      SCHEMA_REGISTRY_URL: REGISTRY_URL,
      MONGO_DB: testDb.name,
      DELIVERY_GROUP_ID: groupId,
      DELIVERY_RETRY_DELAYS_MS: '500,1000,2000',
      WEBHOOK_ALLOW_LIST: '127.0.0.1',
      LOG_LEVEL: process.env['TEST_SERVICE_LOG_LEVEL'] ?? 'warn',
    },
    `webhook-burst-${id}`,
    { bundle: true },
  );
  await svc.ready(90_000);
  const jobs: DeliveryJob[] = [];
  const t0 = Date.now();
  // Three bursts at the hot notification, the others' traffic between them.
  for (let b = 0; b < 3; b++) {
    const burst = Array.from({ length: Math.ceil(HOT_JOBS / 3) }, (_, i) => fx.job(hot, { updated_tags: [`b${b}-${i}`] }));
    const rest = others.flatMap((n) => Array.from({ length: Math.ceil(PER_OTHER / 3) }, (_, i) => fx.job(n, { updated_tags: [`o${b}-${i}`] })));
    await fx.publish(burst);
    await fx.publish(rest);
    jobs.push(...burst, ...rest);
  }
  const expected = new Set(jobs.map((j) => j.delivery_id));
  const missing = () => [...expected].filter((d) => !delivered.has(d)).length;
  // Fails on a stall (no progress for 60 s) rather than at the overall timeout.
  let last = -1;
  let lastChange = Date.now();
  for (;;) {
    const m = missing();
    if (m === 0) break;
    if (m !== last) [last, lastChange] = [m, Date.now()];
    if (process.env['HERALD_BURST_DEBUG']) console.log(JSON.stringify({ atMs: Date.now() - t0, missing: m }));
    assert.ok(Date.now() - lastChange < 60_000, `stalled: ${m} of ${expected.size} jobs undelivered and no progress for 60 s`);
    assert.ok(Date.now() - t0 < 480_000, `${m} of ${expected.size} jobs not delivered after 480 s`);
    await sleep(1_000);
  }
  const elapsedMs = Date.now() - t0;
  await eventually(async () => {
    const lag = await consumerLag(fx.kafka, groupId, TOPICS.jobs('webhook'));
    const total = [...lag.values()].reduce((a, b) => a + b, 0);
    assert.equal(total, 0, `group lag ${total} on ${TOPICS.jobs('webhook')}`);
  }, 30_000, 500);
  const duplicates = [...delivered.values()].reduce((n, c) => n + c - 1, 0);
  console.log(JSON.stringify({ test: 'delivery-burst', jobs: expected.size, hot: HOT_JOBS, delivered: expected.size - missing(), duplicates, elapsed_ms: elapsedMs }));
  await svc.kill('SIGTERM');
  svc = undefined;
  await sleep(10);
});
