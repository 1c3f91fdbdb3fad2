import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import type { DeliveryJob } from '@herald/events';
import { BreakerStateStore } from '@herald/store';
import type { NotificationDoc } from '@herald/subscriptions';
import { eventually } from '../helpers/wait.js';
import { sleep, startReceiver, WebhookFixture, type Instance, type Receiver } from './webhook-fixture.js';

// SPEC §4: a slow, hanging or failing endpoint must not delay deliveries to healthy endpoints.
// Issue 18: the failing one's circuit breaker opens, and its jobs (new ones, due retries) wait in
// the partitions the healthy ones share.
const ENDPOINTS = 20;
const BREAKER_FAILURES = 5;
const ROUNDS = 25;
const ROUND_MS = 200;

const fx = new WebhookFixture();
let svc: Instance;
const rxs: Receiver[] = [];
const subs: NotificationDoc[] = [];

before(async () => {
  await fx.setup();
  svc = await fx.instance({
    WEBHOOK_ALLOW_LIST: '127.0.0.1',
    DELIVERY_RETRY_DELAYS_MS: '1000,2000,4000',
    DELIVERY_ATTEMPT_TIMEOUT_MS: '10000',
    BREAKER_FAILURES: String(BREAKER_FAILURES),
    BREAKER_OPEN_MS: '60000',
  });
  for (let i = 0; i < ENDPOINTS; i++) {
    const rx = await startReceiver(() => (i === 0 ? { status: 200, hang: true } : i === 1 ? { status: 500 } : { status: 200 }));
    rxs.push(rx);
    fx.onTeardown(rx.close);
    subs.push(await fx.notify(svc, { url: `${rx.url}/hook-${i}` }));
  }
});

after(() => fx.teardown());

const pct = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN;

test(`isolation: ${ENDPOINTS} endpoints, one hangs and one answers 500 (its breaker opens); the healthy ones stay fast`, { timeout: 120_000 }, async () => {
  const jobs = new Map<string, DeliveryJob>();
  const t0 = Date.now();
  for (let round = 0; round < ROUNDS; round++) {
    await sleep(Math.max(0, t0 + round * ROUND_MS - Date.now()));
    const batch = subs.map((n) => fx.job(n));
    for (const j of batch) jobs.set(j.delivery_id, j);
    await fx.publish(batch);
  }
  const healthy = rxs.slice(2);
  const expected = healthy.length * ROUNDS;
  await eventually(() => {
    const got = healthy.reduce((n, rx) => n + new Set(rx.requests.map((r) => r.headers['webhook-id'])).size, 0);
    assert.equal(got, expected, `${got}/${expected} healthy deliveries`);
  }, 60_000, 100);
  const latencies = healthy
    .flatMap((rx) => rx.requests.map((r) => r.at - (jobs.get(String(r.headers['webhook-id']))?.created_at ?? NaN)))
    .sort((x, y) => x - y);
  const figures = {
    test: 'delivery-isolation',
    endpoints: ENDPOINTS,
    jobs: jobs.size,
    healthy_deliveries: latencies.length,
    p50_ms: pct(latencies, 50),
    p99_ms: pct(latencies, 99),
    max_ms: latencies[latencies.length - 1],
    hanging_requests: rxs[0]?.requests.length,
    failing_requests: rxs[1]?.requests.length,
    failing_breaker: (await new BreakerStateStore(svc.db.db).get('webhook', `127.0.0.1:${rxs[1]?.port}`))?.state,
  };
  console.log(JSON.stringify(figures));
  assert.equal(latencies.length, expected, 'every healthy delivery exactly once');
  assert.ok(figures.p99_ms < 1_000, `p99 job→receipt ${figures.p99_ms} ms`);
  assert.ok((rxs[0]?.requests.length ?? 0) <= 4, 'the hanging endpoint holds at most its per-notification slots');
  assert.equal(figures.failing_breaker, 'open', 'the failing endpoint is behind an open breaker');
  // Opened at the fifth failure; attempts already in flight then (its per-notification slots) still answer.
  const failing = rxs[1]?.requests.length ?? 0;
  assert.ok(failing >= BREAKER_FAILURES && failing < BREAKER_FAILURES + 4, `the failing endpoint got ${failing} requests of ${ROUNDS} jobs and their retries`);
});
