import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import type { DeliveryJob } from '@herald/events';
import { TOPICS } from '@herald/kafka';
import type { NotificationDoc } from '@herald/subscriptions';
import { startService, type ServiceProcess } from '@herald/testing';
import { openTestDb, type TestDb } from '../helpers/mongo.js';
import { eventually } from '../helpers/wait.js';
import { NotificationStore } from '@herald/subscriptions';
import { BROKERS, REGISTRY_URL, sleep, startReceiver, WebhookFixture, type Receiver } from './webhook-fixture.js';
import { positionAtEnd, TailReader } from '../support/job-reader.js';

// SPEC §4 at-least-once: the webhook service, run as its own process, is SIGKILLed at least three
// times while 5,000 jobs flow; every job must end up delivered or dead-lettered with a reason.
const JOBS = Number(process.env['HERALD_CRASH_JOBS'] ?? 5_000);
const KILLS = 3;
const NOTIFICATIONS = 50;
const DELAYS = '500,1000,2000';

const fx = new WebhookFixture();
const id = randomBytes(4).toString('hex');
const groupId = `herald-test-crash-${id}`;
const subs: NotificationDoc[] = [];
const delivered = new Map<string, number>();
let rx: Receiver;
let testDb: TestDb;
let dlq: TailReader;
let svc: ServiceProcess | undefined;

// One delivery in twenty fails its first attempt, so retries are in flight when the kills come.
const failsFirst = (deliveryId: string) => (createHash('sha1').update(deliveryId).digest()[0] ?? 0) % 20 === 0;

before(async () => {
  await fx.setup();
  testDb = await openTestDb('webhook_crash');
  const store = new NotificationStore(testDb.db);
  await store.ensureIndexes();
  const failedOnce = new Set<string>();
  rx = await startReceiver((r) => {
    const did = String(r.headers['webhook-id']);
    if (failsFirst(did) && !failedOnce.has(did)) {
      failedOnce.add(did);
      return { status: 500 };
    }
    delivered.set(did, (delivered.get(did) ?? 0) + 1);
    return { status: 200 };
  });
  fx.onTeardown(rx.close);
  for (let i = 0; i < NOTIFICATIONS; i++) {
    const n = await store.insert({
      uuid: crypto.randomUUID(),
      repository: `crash-${id}/repo-${i}`,
      event: 'repo_push',
      method: 'webhook',
      config: { url: `${rx.url}/n/${i}` },
      event_config: {},
      title: null,
      signing_secret: `whsec_${randomBytes(32).toString('base64')}`,
      created_by: 'crash-test',
    });
    await fx.feed.upsert(n);
    subs.push(n);
  }
  const uuids = new Set(subs.map((s) => s.uuid));
  dlq = new TailReader(fx.kafka, fx.codec, [TOPICS.dlq('webhook')], (k) => uuids.has(k));
  await dlq.start();
  await positionAtEnd(fx.kafka, groupId, [TOPICS.jobs('webhook'), ...[1, 2, 3].map((n) => TOPICS.retry('webhook', n))]);
});

after(async () => {
  await svc?.kill('SIGKILL');
  await dlq?.stop();
  await fx.teardown();
  await testDb?.drop();
});

const env = () => ({
  KAFKA_BROKERS: BROKERS.join(','),
  SCHEMA_REGISTRY_URL: REGISTRY_URL,
  MONGO_DB: testDb.name,
  DELIVERY_GROUP_ID: groupId,
  DELIVERY_SESSION_TIMEOUT_MS: '6000',
  DELIVERY_RETRY_DELAYS_MS: DELAYS,
  WEBHOOK_ALLOW_LIST: '127.0.0.1',
  LOG_LEVEL: process.env['TEST_SERVICE_LOG_LEVEL'] ?? 'warn',
});

test(`crash safety: ${JOBS} jobs, the webhook service SIGKILLed ${KILLS} times, none lost`, { timeout: 300_000 }, async () => {
  const jobs: DeliveryJob[] = Array.from({ length: JOBS }, (_, i) => fx.job(subs[i % NOTIFICATIONS]!, { updated_tags: [`t${i}`] }));
  svc = await startService('delivery-webhook', env(), `webhook-crash-${id}-0`);
  await svc.ready(90_000);

  const t0 = Date.now();
  let published = 0;
  const publishing = (async () => {
    for (let i = 0; i < JOBS; i += 250) {
      await fx.publish(jobs.slice(i, i + 250));
      published = Math.min(JOBS, i + 250);
      await sleep(250);
    }
  })();

  const progress = process.env['HERALD_CRASH_DEBUG'] ? setInterval(() => console.log(JSON.stringify({ atMs: Date.now() - t0, published, delivered: delivered.size, requests: rx.requests.length })), 2_000) : undefined;
  const kills: { published: number; delivered: number; atMs: number }[] = [];
  for (let k = 0; k < KILLS; k++) {
    // Kill while deliveries are flowing: after some progress since the (re)start.
    const before = delivered.size;
    // (A message on assert.ok matters here: without one, node parses this file on every failed poll.)
    await eventually(() => assert.ok(delivered.size >= before + 100 || delivered.size >= JOBS * 0.97, 'not enough progress yet'), 90_000, 20);
    await sleep(Math.random() * 300);
    kills.push({ published, delivered: delivered.size, atMs: Date.now() - t0 });
    await svc.kill('SIGKILL');
    svc = await startService('delivery-webhook', env(), `webhook-crash-${id}-${k + 1}`);
    await svc.ready(90_000);
  }
  await publishing;
  if (progress) clearInterval(progress);

  const expected = new Set(jobs.map((j) => j.delivery_id));
  const settled = () => [...expected].filter((d) => !delivered.has(d) && !dlq.messages.some((m) => m.value.delivery_id === d));
  await eventually(() => assert.equal(settled().length, 0, `${settled().length} jobs neither delivered nor dead-lettered yet`), 180_000, 250);
  await sleep(2_000);
  const lost = settled().length;
  const duplicates = [...delivered.values()].reduce((n, c) => n + c - 1, 0);
  const figures = {
    test: 'delivery-crash',
    jobs: JOBS,
    kills,
    delivered: [...expected].filter((d) => delivered.has(d)).length,
    dead_lettered: dlq.messages.length,
    lost,
    duplicates,
    requests: rx.requests.length,
  };
  console.log(JSON.stringify(figures));
  assert.equal(kills.length, KILLS);
  assert.ok(kills.every((k) => k.delivered < JOBS), 'every kill happened before the work was done');
  assert.equal(lost, 0, 'lost jobs');
  for (const m of dlq.messages) assert.ok(m.headers['herald-dlq-reason'], 'a dead letter carries its reason');
  await svc.kill('SIGTERM');
  svc = undefined;
});
