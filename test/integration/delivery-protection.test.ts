import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { SUBJECTS, type DeliveryJob } from '@herald/events';
import { TOPICS, type Producer } from '@herald/kafka';
import { BreakerStateStore } from '@herald/store';
import { eventually } from '../helpers/wait.js';
import { sleep, startReceiver, WebhookFixture, type Instance } from './webhook-fixture.js';

// Issue 18, per-endpoint protection: a notification's rate limit holds while its neighbour on the
// same partition is unaffected; a destination's circuit breaker opens, holds its jobs without
// attempting them (nothing counted), probes, closes, and the held jobs are delivered.
const RATE = 10;
const MEASURE_S = 30;
const OPEN_MS = 3_000;
const FAILURES = 3;

const fx = new WebhookFixture();
let svc: Instance;
let producer: Producer;

before(async () => {
  await fx.setup();
  svc = await fx.instance({
    WEBHOOK_ALLOW_LIST: '127.0.0.1',
    DELIVERY_RETRY_DELAYS_MS: '1000,2000,4000',
    BREAKER_FAILURES: String(FAILURES),
    BREAKER_OPEN_MS: String(OPEN_MS),
    BREAKER_MAX_OPEN_MS: String(2 * OPEN_MS),
    DELIVERY_HOST_RATE_LIMIT: '0',
    // Shorter than the breaker's open periods: a partition whose jobs all wait must not count as stalled.
    DELIVERY_STALL_TIMEOUT_MS: '2000',
  });
  producer = fx.kafka.producer({ allowAutoTopicCreation: false, idempotent: true, maxInFlightRequests: 1 });
  await producer.connect();
  fx.onTeardown(() => producer.disconnect());
});

after(() => fx.teardown());

/** Publishes jobs to one partition of the job topic (the key alone would spread notifications over partitions). */
async function publishTo(partition: number, jobs: DeliveryJob[]): Promise<void> {
  const messages = jobs.map((j) => ({ key: j.notification_uuid, value: fx.codec.encode(SUBJECTS.jobs('webhook'), j), partition }));
  await producer.send({ topic: TOPICS.jobs('webhook'), acks: -1, messages });
}

const pct = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN;

/** The sum of a metric's series that carry all of `labels` (the service label comes with each). */
async function metric(name: string, labels: Record<string, string>): Promise<number> {
  const text = await (await fetch(`http://127.0.0.1:${svc.app.opsPort()}/metrics`)).text();
  const wanted = Object.entries(labels).map(([k, v]) => `${k}="${v}"`);
  return text
    .split('\n')
    .filter((l) => l.startsWith(`${name}{`) && wanted.every((w) => l.includes(w)))
    .reduce((n, l) => n + Number(l.split(' ').at(-1)), 0);
}

test(`rate limit: ${RATE}/s holds within 10 % over ${MEASURE_S} s; a neighbour on the same partition keeps its latency`, { timeout: 120_000 }, async () => {
  const limitedRx = await startReceiver();
  const neighbourRx = await startReceiver();
  fx.onTeardown(limitedRx.close);
  fx.onTeardown(neighbourRx.close);
  const limited = await fx.notify(svc, { url: `${limitedRx.url}/limited`, rate_limit: RATE });
  const neighbour = await fx.notify(svc, { url: `${neighbourRx.url}/neighbour` });
  // A CI run pushing many tags at once: far more jobs than the limit lets through in the window.
  const burst = Array.from({ length: RATE * (MEASURE_S + 4) }, (_, i) => fx.job(limited, { updated_tags: [`t${i}`] }));
  await publishTo(3, burst);
  const neighbourJobs = new Map<string, DeliveryJob>();
  const t0 = Date.now();
  while (Date.now() - t0 < (MEASURE_S + 1) * 1000) {
    const j = fx.job(neighbour);
    neighbourJobs.set(j.delivery_id, j);
    await publishTo(3, [j]);
    await sleep(250);
  }
  await eventually(() => assert.equal(neighbourRx.requests.length, neighbourJobs.size), 10_000, 50);

  const first = limitedRx.requests[0]?.at ?? NaN;
  const inWindow = limitedRx.requests.filter((r) => r.at >= first && r.at < first + MEASURE_S * 1000).length;
  const perSecond = Array.from({ length: MEASURE_S }, (_, s) => limitedRx.requests.filter((r) => r.at >= first + s * 1000 && r.at < first + (s + 1) * 1000).length);
  const latencies = neighbourRx.requests.map((r) => r.at - (neighbourJobs.get(String(r.headers['webhook-id']))?.created_at ?? NaN)).sort((a, b) => a - b);
  const waits = await metric('herald_delivery_protection_waits_total', { method: 'webhook', reason: 'notification_rate_limit' });
  const figures = {
    test: 'delivery-protection rate limit',
    rate_per_s: RATE,
    window_s: MEASURE_S,
    delivered_in_window: inWindow,
    expected: RATE * MEASURE_S,
    ratio: inWindow / (RATE * MEASURE_S),
    per_second_min: Math.min(...perSecond),
    per_second_max: Math.max(...perSecond),
    neighbour_jobs: latencies.length,
    neighbour_p50_ms: pct(latencies, 50),
    neighbour_p99_ms: pct(latencies, 99),
    waits_counted: waits,
  };
  console.log(JSON.stringify(figures));
  assert.ok(Math.abs(figures.ratio - 1) <= 0.1, `${inWindow} deliveries in ${MEASURE_S} s at ${RATE}/s`);
  // Any second: the rate, plus at most the bucket's burst of two, plus a request's jitter.
  assert.ok(figures.per_second_max <= RATE * 1.1 + 2, `a second saw ${figures.per_second_max}`);
  assert.ok(limitedRx.requests.length < burst.length, 'the burst is still being paced when the window ends');
  assert.equal(latencies.length, neighbourJobs.size, 'every neighbour job delivered once');
  assert.ok(figures.neighbour_p99_ms < 1_000, `neighbour p99 ${figures.neighbour_p99_ms} ms`);
  assert.ok(waits >= burst.length - RATE, `each job held back is counted once: ${waits}`);
});

test('circuit breaker: opens after N failures, holds jobs without attempts, probes, closes, delivers the held jobs', { timeout: 120_000 }, async () => {
  let failing = true;
  const rx = await startReceiver(() => ({ status: failing ? 503 : 200 }));
  fx.onTeardown(rx.close);
  const n = await fx.notify(svc, { url: `${rx.url}/flaky` });
  const destination = `127.0.0.1:${rx.port}`;
  const breakers = new BreakerStateStore(svc.db.db);
  const first = Array.from({ length: FAILURES }, () => fx.job(n));
  await publishTo(5, first);
  const opened = await eventually(async () => {
    const s = await breakers.get('webhook', destination);
    assert.equal(s?.state, 'open');
    return s;
  }, 20_000);
  assert.equal(opened.consecutive_failures, FAILURES);
  assert.equal(rx.requests.length, FAILURES);
  // Jobs arriving while it is open wait, as do the first jobs' retries (due after 1 s).
  const held = Array.from({ length: 5 }, () => fx.job(n));
  await publishTo(5, held);
  await eventually(async () => assert.ok((await metric('herald_delivery_waiting', { method: 'webhook' })) >= 1, 'jobs waiting on the metric'), 5_000);

  // The next request is the half-open probe, not before the open period ends.
  await rx.waitFor(FAILURES + 1, 20_000);
  const probeAt = rx.requests[FAILURES]?.at ?? NaN;
  const probeAfter = probeAt - opened.since.getTime();
  assert.ok(probeAfter >= OPEN_MS - 50 && probeAfter < OPEN_MS + 1_500, `probe ${probeAfter} ms after opening`);
  await eventually(async () => {
    const attempts = await svc.attempts.list(n.uuid);
    assert.equal(attempts.length, FAILURES + 1, 'attempts logged: the failures and the probe only');
  }, 5_000);
  // The probe failed: open again, for twice as long.
  const reopened = await eventually(async () => {
    const s = await breakers.get('webhook', destination);
    assert.equal(s?.state, 'open');
    assert.ok((s?.since.getTime() ?? 0) >= probeAt - 50);
    return s;
  }, 5_000);
  assert.equal(reopened.opened_count, 2);
  assert.equal(reopened.next_probe_at?.getTime(), reopened.since.getTime() + 2 * OPEN_MS);
  assert.equal(rx.requests.length, FAILURES + 1, 'nothing attempted while open');
  const doc = await svc.store.get(n.uuid);
  assert.equal(doc?.number_of_failures, 0, 'waiting jobs are not failures');
  assert.equal(doc?.disabled, false);
  assert.equal(await metric('herald_delivery_stalled_partitions', { method: 'webhook' }), 0, 'waiting on a breaker is not a stall');
  assert.equal((await fetch(`http://127.0.0.1:${svc.app.opsPort()}/healthz`)).status, 200);

  failing = false;
  const all = new Set([...first, ...held].map((j) => j.delivery_id));
  await eventually(() => {
    const ok = new Set(rx.requests.slice(FAILURES + 1).map((r) => String(r.headers['webhook-id'])));
    assert.equal([...all].filter((d) => !ok.has(d)).length, 0, 'every held job delivered once closed');
  }, 30_000, 100);
  const closeProbeAt = rx.requests[FAILURES + 1]?.at ?? NaN;
  // Not later either: jobs that waited on the first probe's lease asked again when it failed.
  const secondAfter = closeProbeAt - reopened.since.getTime();
  assert.ok(secondAfter >= 2 * OPEN_MS - 50 && secondAfter < 2 * OPEN_MS + 1_500, `the second probe ${secondAfter} ms after re-opening`);
  const closed = await breakers.get('webhook', destination);
  assert.equal(closed?.state, 'closed');
  assert.equal(closed?.consecutive_failures, 0);
  await eventually(async () => {
    const attempts = await svc.attempts.list(n.uuid, { limit: 100 });
    assert.equal(attempts.length, rx.requests.length, 'one logged attempt per request the receiver saw');
  }, 5_000);
  assert.equal((await svc.store.get(n.uuid))?.number_of_failures, 0);
  console.log(JSON.stringify({ test: 'delivery-protection breaker', requests: rx.requests.length, jobs: all.size, probe_after_ms: probeAt - opened.since.getTime(), second_probe_after_ms: closeProbeAt - reopened.since.getTime() }));
});
