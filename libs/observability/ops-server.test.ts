import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Counter } from 'prom-client';
import { createLogger } from '@herald/logger';
import { createMetricsRegistry, createOpsServer } from './ops-server.js';
import { Lifecycle } from './lifecycle.js';
import { NeededDependency } from './needed-dependency.js';
import { DependencyProbes } from './dependency-probes.js';

test('serves health, readiness and metrics', async () => {
  const registry = createMetricsRegistry('unit');
  const c = new Counter({ name: 'herald_unit_total', help: 'unit', registers: [registry] });
  c.inc(3);
  const logger = createLogger({ service: 'unit', level: 'silent' });
  const lifecycle = new Lifecycle({ logger, registry });
  const ops = createOpsServer({ host: '127.0.0.1', port: 0, logger, registry, lifecycle });
  const port = await ops.start();
  try {
    const base = `http://127.0.0.1:${port}`;
    assert.equal((await fetch(`${base}/healthz`)).status, 200);
    assert.equal((await fetch(`${base}/readyz`)).status, 503);
    lifecycle.ready();
    assert.equal((await fetch(`${base}/readyz`)).status, 200);
    const text = await (await fetch(`${base}/metrics`)).text();
    assert.match(text, /herald_unit_total\{service="unit"\} 3/);
    assert.match(text, /process_resident_memory_bytes/);
    assert.match(text, /nodejs_eventloop_lag_seconds/);
    assert.doesNotMatch(text, /nodejs_eventloop_lag_p99_seconds/, 'no gauges read from an idle histogram');
    assert.equal((await fetch(`${base}/nope`)).status, 404);
  } finally {
    await ops.stop();
  }
});

test('/healthz and /readyz follow the lifecycle, service conditions and dependencies', async () => {
  const registry = createMetricsRegistry('unit');
  const logger = createLogger({ service: 'unit', level: 'silent' });
  const lifecycle = new Lifecycle({ logger, registry });
  let condition: string | undefined = 'kafka: job consumer restarting';
  let registryUp = false;
  const schemaRegistry = new NeededDependency('schema-registry');
  const ops = createOpsServer({
    host: '127.0.0.1',
    port: 0,
    logger,
    registry,
    lifecycle,
    notReadyReason: () => condition,
    dependencies: new DependencyProbes([schemaRegistry], { cacheMs: 0 }),
  });
  const port = await ops.start();
  const get = async (path: string) => {
    const r = await fetch(`http://127.0.0.1:${port}${path}`);
    const { status: _word, ...body } = (await r.json()) as { status: string; state: string; reason?: string };
    return { status: r.status, ...body };
  };
  try {
    assert.deepEqual(await get('/readyz'), { status: 503, state: 'starting', reason: 'starting' });
    lifecycle.ready();
    assert.deepEqual(await get('/readyz'), { status: 503, state: 'ready', reason: 'kafka: job consumer restarting' });
    condition = undefined;
    assert.deepEqual(await get('/readyz'), { status: 200, state: 'ready' });
    // A schema id that is not cached met a registry that does not answer: not ready until it does.
    schemaRegistry.failed(new Error('ECONNREFUSED'), async () => {
      if (!registryUp) throw new Error('connect ECONNREFUSED 127.0.0.1:8081');
    });
    assert.deepEqual(await get('/readyz'), { status: 503, state: 'ready', reason: 'schema-registry unreachable: connect ECONNREFUSED 127.0.0.1:8081' });
    registryUp = true;
    assert.deepEqual(await get('/readyz'), { status: 200, state: 'ready' });
    assert.equal(schemaRegistry.outstanding, undefined, 'a successful re-check ends the need');
    assert.equal((await get('/healthz')).status, 200);
    lifecycle.fail('producer fenced');
    assert.deepEqual(await get('/healthz'), { status: 503, state: 'failed', reason: 'producer fenced' });
    assert.deepEqual(await get('/readyz'), { status: 503, state: 'failed', reason: 'failed: producer fenced' });
    assert.match(await (await fetch(`http://127.0.0.1:${port}/metrics`)).text(), /herald_lifecycle_state\{state="failed",service="unit"\} 1/);
  } finally {
    await ops.stop();
  }
});
