import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Counter, Histogram, Registry } from 'prom-client';
import { HotCounter, HotHistogram } from './hot-metrics.js';

// The hot metrics must be indistinguishable from prom-client's on /metrics and in JSON.
function registries() {
  const hot = new Registry();
  const reference = new Registry();
  for (const r of [hot, reference]) r.setDefaultLabels({ service: 'svc' });
  return { hot, reference };
}

test('a HotHistogram exposes what a prom-client Histogram exposes for the same observations', async () => {
  const { hot, reference } = registries();
  const opts = { name: 'x_seconds', help: 'How long x took', labelNames: ['method', 'kind'] as const, buckets: [0.01, 0.1, 1, 10] };
  const h = new HotHistogram({ ...opts, registers: [hot] });
  const p = new Histogram({ ...opts, registers: [reference] });
  const values = [0, 0.005, 0.01, 0.0100001, 0.5, 1, 3, 10, 11, 1e6];
  for (const v of values) {
    h.labels({ method: 'webhook', kind: 'a' }).observe(v);
    p.labels({ method: 'webhook', kind: 'a' }).observe(v);
  }
  h.observe({ method: 'slack', kind: 'b' }, 0.2);
  p.observe({ method: 'slack', kind: 'b' }, 0.2);
  assert.equal(await hot.metrics(), await reference.metrics());
  assert.deepEqual(await hot.getMetricsAsJSON(), await reference.getMetricsAsJSON());
  assert.match(await hot.metrics(), /x_seconds_bucket\{le="\+Inf",service="svc",method="webhook",kind="a"\} 10\n/);
  assert.throws(() => h.labels({ method: 'webhook', kind: 'a' }).observe(Number.NaN), /not a valid number/);
  assert.throws(() => h.labels({ method: 'webhook', nope: 'x' } as never), /not included/);
  h.reset();
  p.reset();
  assert.equal(await hot.metrics(), await reference.metrics());
});

test('a HotCounter exposes what a prom-client Counter exposes for the same increments', async () => {
  const { hot, reference } = registries();
  const opts = { name: 'x_total', help: 'Things', labelNames: ['method', 'outcome'] as const };
  const c = new HotCounter({ ...opts, registers: [hot] });
  const p = new Counter({ ...opts, registers: [reference] });
  const child = c.labels({ method: 'webhook', outcome: 'success' });
  const pchild = p.labels({ method: 'webhook', outcome: 'success' });
  for (let i = 0; i < 5; i++) {
    child.inc();
    pchild.inc();
  }
  c.inc({ method: 'webhook', outcome: 'retry' }, 3);
  p.inc({ method: 'webhook', outcome: 'retry' }, 3);
  assert.equal(await hot.metrics(), await reference.metrics());
  assert.deepEqual(await hot.getMetricsAsJSON(), await reference.getMetricsAsJSON());
  assert.match(await hot.metrics(), /x_total\{method="webhook",outcome="success",service="svc"\} 5/);
  assert.throws(() => child.inc(-1), /not possible to decrease/);
});

test('without label names: exposed from the start, inc(by) and observe(value), and reset as prom-client does', async () => {
  const { hot, reference } = registries();
  const c = new HotCounter({ name: 'plain_total', help: 'Plain', labelNames: [], registers: [hot] });
  const pc = new Counter({ name: 'plain_total', help: 'Plain', registers: [reference] });
  const h = new HotHistogram({ name: 'plain_seconds', help: 'Plain', labelNames: [], buckets: [0.1, 1], registers: [hot] });
  const ph = new Histogram({ name: 'plain_seconds', help: 'Plain', buckets: [0.1, 1], registers: [reference] });
  assert.equal(await hot.metrics(), await reference.metrics(), 'zero values before any update');
  c.inc();
  pc.inc();
  c.inc(4);
  pc.inc(4);
  h.observe(0.5);
  ph.observe(0.5);
  assert.equal(await hot.metrics(), await reference.metrics());
  assert.deepEqual(await hot.getMetricsAsJSON(), await reference.getMetricsAsJSON());
  assert.match(await hot.metrics(), /^plain_total\{service="svc"\} 5$/m);
  hot.resetMetrics();
  reference.resetMetrics();
  assert.equal(await hot.metrics(), await reference.metrics());
});
