import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Counter } from 'prom-client';
import { createLogger } from '@herald/logger';
import { createMetricsRegistry, createOpsServer } from './ops-server.js';

test('serves health, readiness and metrics', async () => {
  const registry = createMetricsRegistry('unit');
  const c = new Counter({ name: 'herald_unit_total', help: 'unit', registers: [registry] });
  c.inc(3);
  let ready = false;
  const ops = createOpsServer({ host: '127.0.0.1', port: 0, logger: createLogger({ service: 'unit', level: 'silent' }), registry, ready: () => ready });
  const port = await ops.start();
  try {
    const base = `http://127.0.0.1:${port}`;
    assert.equal((await fetch(`${base}/healthz`)).status, 200);
    assert.equal((await fetch(`${base}/readyz`)).status, 503);
    ready = true;
    assert.equal((await fetch(`${base}/readyz`)).status, 200);
    const text = await (await fetch(`${base}/metrics`)).text();
    assert.match(text, /herald_unit_total\{service="unit"\} 3/);
    assert.match(text, /process_resident_memory_bytes/);
    assert.equal((await fetch(`${base}/nope`)).status, 404);
  } finally {
    await ops.stop();
  }
});
