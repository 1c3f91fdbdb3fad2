import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { HealthAggregator, readEndpointHealth } from '@herald/delivery';
import { adminToken, testToken, TEST_SUPERUSER } from '../helpers/tokens.js';
import { eventually } from '../helpers/wait.js';
import { DeliveryOpsFixture } from './delivery-ops-fixture.js';

// Issue 18, endpoint health: the figures match the attempts made (counts by outcome, success
// rate, latency percentiles within the histogram's resolution, last error, the chart series), the
// breaker state is reported, and the per-notification metric exists only when configured.
const ops = new DeliveryOpsFixture();

before(() => ops.setup({ DELIVERY_RETRY_DELAYS_MS: '600000', DELIVERY_FAILURE_THRESHOLD: '100', METRICS_PER_NOTIFICATION: 'on' }));
after(() => ops.teardown());

interface Window {
  attempts: number;
  success: number;
  retry: number;
  dead_letter: number;
  success_rate: number | null;
  p50_ms: number | null;
  p99_ms: number | null;
  last_error: { time: string; error_class: string | null; status_code: number | null; error: string | null } | null;
}
interface Health {
  notification_uuid: string;
  breaker: { state: string; destination: string | null };
  windows: { '1h': Window; '24h': Window };
  series: { window: string; bucket_seconds: number; points: { t: string; success: number; retry: number; dead_letter: number }[] };
}
interface Attempt {
  time: string;
  outcome: string;
  duration_ms: number;
  status_code: number | null;
  error_class: string | null;
}

/** The q-quantile as the histogram ranks it (nearest rank). */
function quantile(sorted: number[], q: number): number {
  return sorted[Math.max(0, Math.ceil(q * sorted.length) - 1)] as number;
}

test('health figures match the attempts made', async () => {
  // Successes answer after a delay that grows with the tag, so the latencies spread; 503s are
  // retried (later than the test lasts), 400s dead-lettered.
  const rx = await ops.receiver((r) => {
    const m = /"updated_tags": \["(\w+)-(\d+)"\]/.exec(r.body);
    const [kind, i] = [m?.[1], Number(m?.[2] ?? 0)];
    if (kind === 'busy') return { status: 503, body: 'busy' };
    if (kind === 'bad') return { status: 400, body: 'bad' };
    return { status: 200, delayMs: 5 * i };
  });
  const n = await ops.notify({ url: `${rx.url}/health` });
  const tags = [...Array.from({ length: 12 }, (_, i) => `ok-${i}`), 'busy-0', 'busy-1', 'busy-2', 'bad-0'];
  await ops.fx.publish(tags.map((t) => ops.fx.job(n, { updated_tags: [t] })));
  await rx.waitFor(tags.length);
  const attempts = await eventually(async () => {
    const r = await ops.call<{ attempts: Attempt[] }>(n, 'GET', '/deliveries?limit=100');
    assert.equal(r.body.attempts.length, tags.length);
    return r.body.attempts;
  }, 20_000);

  const health = await eventually(async () => {
    const r = await ops.call<Health>(n, 'GET', '/health');
    assert.equal(r.status, 200);
    assert.equal(r.body.windows['1h'].attempts, tags.length);
    return r.body;
  }, 20_000);
  const w = health.windows['1h'];
  assert.deepEqual([w.success, w.retry, w.dead_letter], [12, 3, 1]);
  assert.equal(w.success_rate, 12 / 16);
  assert.deepEqual(health.windows['24h'], w, 'the same attempts in the day');
  // Percentiles: histogram bucket bounds, at most 25 % (and a rounding ms) above the true value.
  const durations = attempts.map((a) => a.duration_ms).sort((a, b) => a - b);
  for (const [q, got] of [[0.5, w.p50_ms], [0.99, w.p99_ms]] as const) {
    const exact = quantile(durations, q);
    assert.ok(got !== null && got >= exact && got <= Math.ceil(exact * 1.25) + 1, `p${q * 100}: ${got} ms for ${exact} ms (durations ${durations.join(',')})`);
  }
  const newestFailure = attempts.find((a) => a.outcome !== 'success');
  assert.ok(w.last_error, 'a last error');
  assert.ok(['http_5xx', 'http_4xx'].includes(w.last_error.error_class ?? ''), JSON.stringify(w.last_error));
  assert.ok(Math.abs(new Date(w.last_error.time).getTime() - new Date(newestFailure!.time).getTime()) < 1_000, 'the newest failure');
  // The chart: one-minute points over the hour, adding up to the attempts.
  assert.deepEqual([health.series.window, health.series.bucket_seconds, health.series.points.length], ['1h', 60, 60]);
  const sum = health.series.points.reduce((s, p) => ({ success: s.success + p.success, retry: s.retry + p.retry, dead_letter: s.dead_letter + p.dead_letter }), { success: 0, retry: 0, dead_letter: 0 });
  assert.deepEqual(sum, { success: 12, retry: 3, dead_letter: 1 });
  const day = (await ops.call<Health>(n, 'GET', '/health?window=24h')).body.series;
  assert.deepEqual([day.bucket_seconds, day.points.length, day.points.reduce((s, p) => s + p.success + p.retry + p.dead_letter, 0)], [900, 96, 16]);
  // No breaker ever opened for this destination: closed.
  assert.deepEqual(health.breaker, { state: 'closed', destination: `127.0.0.1:${rx.port}`, since: null, next_probe_at: null, consecutive_failures: 0 });

  // METRICS_PER_NOTIFICATION=on: a series per notification and outcome.
  const metrics = await (await fetch(`http://127.0.0.1:${ops.svc.app.opsPort()}/metrics`)).text();
  const series = (outcome: string) => Number(new RegExp(`herald_delivery_notification_attempts_total\\{[^}]*notification="${n.uuid}"[^}]*outcome="${outcome}"[^}]*\\} (\\d+)`).exec(metrics)?.[1]);
  assert.deepEqual([series('success'), series('retry'), series('dead_letter')], [12, 3, 1]);
});

test('a notification without attempts has empty windows; the window parameter is checked', async () => {
  const rx = await ops.receiver();
  const n = await ops.notify({ url: `${rx.url}/quiet` });
  const r = await ops.call<Health>(n, 'GET', '/health');
  assert.equal(r.status, 200);
  assert.deepEqual(r.body.windows['1h'], { attempts: 0, success: 0, retry: 0, dead_letter: 0, success_rate: null, p50_ms: null, p99_ms: null, last_error: null });
  assert.equal((await ops.call(n, 'GET', '/health?window=7d')).status, 400);
});

test('namespace-wide and registry-wide notifications have the same routes under their scopes', async () => {
  const rx = await ops.receiver();
  const base = { event: 'repo_push', method: 'webhook' as const, config: { url: `${rx.url}/scoped` }, event_config: {}, title: 'scoped', signing_secret: 'whsec_c2NvcGVk', created_by: 'alice' };
  const ns = `hns${Date.now().toString(36)}`;
  const nsDoc = await ops.svc.store.insert({ ...base, uuid: randomUUID(), repository: '', scope: 'namespace', namespace: ns });
  const regDoc = await ops.svc.store.insert({ ...base, uuid: randomUUID(), repository: '', scope: 'registry' });
  const root = await testToken(TEST_SUPERUSER);
  const nsAdmin = await adminToken(`${ns}/*`);
  const get = (path: string, token: string) => ops.api.request<Health>('GET', path, { token });
  const nsHealth = await get(`/api/v1/organization/${ns}/notification/${nsDoc.uuid}/health`, nsAdmin);
  assert.equal(nsHealth.status, 200);
  assert.equal(nsHealth.body.windows['24h'].attempts, 0);
  assert.equal(nsHealth.body.breaker.destination, `127.0.0.1:${rx.port}`);
  assert.equal((await get(`/api/v1/organization/${ns}/notification/${nsDoc.uuid}/deliveries`, nsAdmin)).status, 200);
  assert.equal((await get(`/api/v1/organization/${ns}/notification/${nsDoc.uuid}/health`, await adminToken(`${ns}/app`))).status, 403, 'a repository admin is not a namespace admin');
  assert.equal((await get(`/api/v1/superuser/notification/${regDoc.uuid}/health`, root)).status, 200);
  assert.equal((await get(`/api/v1/superuser/notification/${nsDoc.uuid}/health`, root)).status, 404, 'no uuid crosses scopes');
  const resend = await ops.api.request('POST', `/api/v1/superuser/notification/${regDoc.uuid}/deliveries/none/resend`, { token: root });
  assert.equal(resend.status, 404);
});

test('aggregates of many notifications are written and counted again (FerretDB leaves an update command of 100+ statements unanswered)', async () => {
  const agg = new HealthAggregator(ops.svc.db.db, { flushIntervalMs: 60_000 });
  const uuids = Array.from({ length: 150 }, () => randomUUID());
  const now = Date.now();
  for (let round = 0; round < 2; round++) {
    for (const u of uuids) agg.record(u, now, 'success', 20);
    await agg.flush();
  }
  const [first, last] = await Promise.all([readEndpointHealth(ops.svc.db.db, uuids[0]!, { now }), readEndpointHealth(ops.svc.db.db, uuids[149]!, { now })]);
  // 20 ms falls in the bucket up to 1.25^14 ≈ 23 ms.
  assert.deepEqual([first.windows['1h'].success, last.windows['1h'].success, last.windows['1h'].p50_ms], [2, 2, 23]);
});
