import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createServer, type Server, type Socket } from 'node:net';
import { TOPICS } from '@herald/kafka';
import { NotificationStore } from '@herald/subscriptions';
import { startService, type ServiceProcess } from '@herald/testing';
import { openTestDb, type TestDb } from '../helpers/mongo.js';
import { eventually } from '../helpers/wait.js';
import { positionAtEnd } from '../support/job-reader.js';
import { BROKERS, REGISTRY_URL, WebhookFixture } from './webhook-fixture.js';

// Issue 14: a partition with work and no progress is a stall the process cannot see from inside
// its own queues. Forced here with a receiver that accepts connections and never answers, and an
// attempt timeout longer than the stall bound: the watchdog logs the partition with its state
// counts, shows it on a metric, turns /healthz 503, and the process exits non-zero.
const fx = new WebhookFixture();
const id = randomBytes(4).toString('hex');
const groupId = `herald-test-watchdog-${id}`;
const sockets = new Set<Socket>();
let silent: Server;
let testDb: TestDb;
let svc: ServiceProcess | undefined;

before(async () => {
  await fx.setup();
  testDb = await openTestDb('webhook_watchdog');
  silent = createServer((s) => {
    sockets.add(s);
    s.on('error', () => undefined);
  });
  await new Promise<void>((r) => silent.listen(0, '127.0.0.1', r));
  await positionAtEnd(fx.kafka, groupId, [TOPICS.jobs('webhook'), ...[1, 2, 3].map((n) => TOPICS.retry('webhook', n))]);
});

after(async () => {
  await svc?.kill('SIGKILL');
  for (const s of sockets) s.destroy();
  silent?.close();
  await fx.teardown();
  await testDb?.drop();
});

test('watchdog: a stuck partition is logged, counted, turns /healthz 503, and the process exits non-zero', { timeout: 120_000 }, async () => {
  const store = new NotificationStore(testDb.db);
  await store.ensureIndexes();
  const port = (silent.address() as { port: number }).port;
  const n = await fx.notifyIn(store, { url: `http://127.0.0.1:${port}/hook` }, { repository: `watchdog-${id}/app`, createdBy: 'watchdog-test' });
  svc = await startService('delivery-webhook', {
    KAFKA_BROKERS: BROKERS.join(','),
    SCHEMA_REGISTRY_URL: REGISTRY_URL,
    MONGO_DB: testDb.name,
    DELIVERY_GROUP_ID: groupId,
    DELIVERY_RETRY_DELAYS_MS: '500,1000,2000',
    DELIVERY_ATTEMPT_TIMEOUT_MS: '120000',
    DELIVERY_STALL_TIMEOUT_MS: '3000',
    WEBHOOK_ALLOW_LIST: '127.0.0.1',
    LOG_LEVEL: 'warn',
  }, `webhook-watchdog-${id}`);
  await svc.ready(90_000);
  const ops = `http://127.0.0.1:${svc.opsPort}`;
  assert.equal((await fetch(`${ops}/healthz`)).status, 200, 'healthy before the stall');
  const exited = new Promise<number | null>((resolve) => svc!.child.once('exit', (code) => resolve(code)));
  await fx.publish([fx.job(n), fx.job(n)]);
  await eventually(async () => {
    const r = await fetch(`${ops}/healthz`);
    assert.equal(r.status, 503, 'healthz turns 503 once the partition stalls');
  }, 30_000, 100);
  const metrics = await (await fetch(`${ops}/metrics`)).text();
  assert.match(metrics, /herald_delivery_stalled_partitions\{[^}]*method="webhook"[^}]*\} 1/);
  const ready = await fetch(`${ops}/readyz`);
  assert.equal(ready.status, 503);
  assert.match(String(((await ready.json()) as { reason?: string }).reason), /failed: 1 partition\(s\) made no progress/);
  const code = await Promise.race([exited, new Promise<string>((r) => setTimeout(() => r('still running'), 30_000))]);
  assert.equal(code, 1, 'the process exits non-zero so that it is restarted');
  const log = readFileSync(svc.logFile, 'utf8');
  const stalled = log.split('\n').filter((l) => l.includes('"partition stalled"'));
  assert.ok(stalled.length > 0, 'the stall is logged');
  const rec = JSON.parse(stalled[0]!) as { topic: string; states: Record<string, number>; pending: number };
  assert.equal(rec.topic, TOPICS.jobs('webhook'));
  assert.equal(rec.pending, 2);
  assert.deepEqual(rec.states, { running: 2 });
  svc = undefined;
});
