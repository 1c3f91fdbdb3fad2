import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, connect } from 'node:net';
import { DependencyProbes } from './dependency-probes.js';

/** A real check: a TCP connection to a loopback port. */
const tcp = (port: number) => () =>
  new Promise<void>((resolve, reject) => {
    const s = connect(port, '127.0.0.1', () => {
      s.destroy();
      resolve();
    });
    s.on('error', reject);
  });

test('names the unreachable dependency, and is ready again as soon as it answers', async () => {
  const server = createServer((s) => s.destroy());
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as { port: number }).port;
  const probes = new DependencyProbes([{ name: 'kafka', check: async () => undefined }, { name: 'mongodb', check: tcp(port) }], { cacheMs: 0 });
  assert.equal(await probes.failing(), undefined);
  await new Promise<void>((r) => server.close(() => r()));
  assert.match(String(await probes.failing()), /^mongodb unreachable: .*ECONNREFUSED/);
  await new Promise<void>((r) => server.listen(port, '127.0.0.1', r));
  assert.equal(await probes.failing(), undefined, 'back without a restart');
  server.close();
});

test('a check that does not answer counts as unreachable after the timeout', async () => {
  const probes = new DependencyProbes([{ name: 'schema-registry', check: () => new Promise(() => undefined) }], { timeoutMs: 50, cacheMs: 0 });
  const t0 = Date.now();
  assert.equal(await probes.failing(), 'schema-registry unreachable: no answer within 50 ms');
  assert.ok(Date.now() - t0 < 1_000);
});

test('answers are reused within cacheMs, and concurrent asks share one run', async () => {
  let runs = 0;
  const probes = new DependencyProbes([{ name: 'kafka', check: async () => void runs++ }], { cacheMs: 60_000 });
  await Promise.all([probes.failing(), probes.failing(), probes.failing()]);
  await probes.failing();
  assert.equal(runs, 1);
});

test('checks() names every dependency with whether it answers', async () => {
  const probes = new DependencyProbes([{ name: 'kafka', check: async () => undefined }, { name: 'mongodb', check: () => Promise.reject(new Error('down')) }], { cacheMs: 0 });
  assert.deepEqual(await probes.checks(), { kafka: true, mongodb: false });
});
