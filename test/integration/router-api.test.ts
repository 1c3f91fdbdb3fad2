import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { sampleEvent } from '@herald/events';
import { startConfigApi, type RunningConfigApi } from '../helpers/config-api.js';
import { adminToken } from '../helpers/tokens.js';
import { RouterFixture, uniqueRepo } from '../support/router-fixture.js';

// A notification created through the API is routed within 1 s (the change feed, not a restart).
const fx = new RouterFixture();
const repo = uniqueRepo('api');
let api: RunningConfigApi;

before(async () => {
  api = await startConfigApi();
  await fx.setup(api.db.name);
  await fx.startRouter('router-api');
});

after(async () => {
  await fx.teardown();
  await api.stop();
});

test('a notification created through the API routes events within 1 s', async () => {
  const token = await adminToken(repo);
  const res = await api.request<{ uuid: string }>('POST', `/api/v1/repository/${repo}/notification/`, {
    token,
    body: { event: 'repo_push', method: 'webhook', config: { url: 'https://hooks.example.com/x' }, eventConfig: {} },
  });
  assert.equal(res.status, 201, res.text);
  const uuid = res.body.uuid;
  fx.uuids.add(uuid);
  const t0 = Date.now();
  let routed = -1;
  while (Date.now() - t0 < 10_000 && routed < 0) {
    await fx.events.publish(sampleEvent('repo_push', { repository: repo }));
    await new Promise((r) => setTimeout(r, 50));
    if (fx.jobsFor(uuid).length > 0) routed = Date.now() - t0;
  }
  console.log(`API create → first routed job: ${routed} ms`);
  assert.ok(routed >= 0, 'never routed');
  assert.ok(routed <= 1_000, `routed only after ${routed} ms`);
  const job = fx.jobsFor(uuid)[0]!.value;
  assert.equal(job.notification_uuid, uuid);
  assert.equal(job.repository, repo);
  // Secrets stay in MongoDB: the job carries no method config.
  assert.ok(!JSON.stringify(job).includes('hooks.example.com'));
});

test('the router exposes its work on /metrics: events, jobs per method, event→job latency', async () => {
  const router = fx.router;
  assert.ok(router, 'router running');
  const scrape = async () => (await fetch(`http://127.0.0.1:${router.opsPort}/metrics`)).text();
  const value = (text: string, series: string) => Number(new RegExp(`^${series.replace(/[{}"]/g, '\\$&')} (\\S+)$`, 'm').exec(text)?.[1] ?? NaN);
  const text = await scrape();
  assert.ok(value(text, 'herald_router_events_total{service="router"}') >= 1, 'events counted');
  assert.ok(value(text, 'herald_router_jobs_total{method="webhook",service="router"}') >= 1, 'webhook jobs counted');
  const observed = value(text, 'herald_router_event_to_job_seconds_count{service="router"}');
  assert.ok(observed >= 1, `event→job latency observed: ${observed}`);
  // Every routed event took under 10 s from repository-events to its committed jobs.
  assert.equal(value(text, 'herald_router_event_to_job_seconds_bucket{le="10",service="router"}'), observed);
  assert.match(text, /^process_resident_memory_bytes\{service="router"\} \d+/m);
});
