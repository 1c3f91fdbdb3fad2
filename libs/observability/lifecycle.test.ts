import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { PassThrough } from 'node:stream';
import { createLogger } from '@herald/logger';
import { Registry } from 'prom-client';
import { Lifecycle } from './lifecycle.js';
import { exitAfterFailure } from './failure-exit.js';

function capture() {
  const stream = new PassThrough();
  const chunks: string[] = [];
  stream.on('data', (c: Buffer) => chunks.push(c.toString()));
  const logger = createLogger({ service: 'unit', level: 'info', destination: stream });
  const lines = () => chunks.join('').split('\n').filter(Boolean).map((l) => JSON.parse(l) as Record<string, unknown>);
  return { logger, transitions: () => lines().filter((l) => l['msg'] === 'lifecycle transition').map((l) => `${String(l['from'])}>${String(l['to'])}`) };
}

test('starting → ready → draining → stopped, each transition logged once', () => {
  const log = capture();
  const l = new Lifecycle({ logger: log.logger });
  assert.equal(l.state, 'starting');
  assert.equal(l.notReadyReason(), 'starting');
  assert.equal(l.ready(), true);
  assert.equal(l.notReadyReason(), undefined);
  assert.equal(l.ready(), false, 'already ready: refused, not logged again');
  assert.equal(l.draining(), true);
  assert.equal(l.notReadyReason(), 'draining');
  assert.equal(l.stopped(), true);
  assert.equal(l.state, 'stopped');
  assert.equal(l.healthy, true);
  assert.deepEqual(log.transitions(), ['starting>ready', 'ready>draining', 'draining>stopped']);
});

test('invalid transitions are refused and change nothing', () => {
  const l = new Lifecycle({ logger: capture().logger });
  assert.equal(l.stopped(), false, 'starting → stopped skips draining');
  l.ready();
  l.draining();
  l.stopped();
  assert.equal(l.ready(), false, 'stopped → ready');
  assert.equal(l.draining(), false, 'stopped → draining');
  assert.equal(l.fail('late'), false, 'stopped → failed');
  assert.equal(l.state, 'stopped');
  assert.equal(l.failure, undefined);
});

test('failed is final, keeps its first reason, and makes the service unhealthy', () => {
  const log = capture();
  const l = new Lifecycle({ logger: log.logger });
  const reasons: string[] = [];
  l.onFailed((r) => reasons.push(r));
  l.ready();
  assert.equal(l.fail(new Error('consumer crashed')), true);
  assert.equal(l.fail('second'), false);
  assert.equal(l.draining(), false, 'stop() after a failure leaves it failed');
  assert.equal(l.ready(), false);
  assert.equal(l.state, 'failed');
  assert.equal(l.healthy, false);
  assert.equal(l.notReadyReason(), 'failed: consumer crashed');
  assert.deepEqual(reasons, ['consumer crashed']);
  let late: string | undefined;
  l.onFailed((r) => (late = r));
  assert.equal(late, 'consumer crashed', 'a listener added after the failure hears it at once');
  assert.deepEqual(log.transitions(), ['starting>ready', 'ready>failed']);
});

test('a failure while starting fails; a failure while draining is refused', () => {
  const a = new Lifecycle({ logger: capture().logger });
  assert.equal(a.fail('topics missing'), true);
  assert.equal(a.state, 'failed');
  const b = new Lifecycle({ logger: capture().logger });
  b.ready();
  b.draining();
  assert.equal(b.fail('consumer crashed on disconnect'), false);
  assert.equal(b.state, 'draining');
  assert.equal(b.healthy, true);
});

test('herald_lifecycle_state is 1 for the current state only', async () => {
  const registry = new Registry();
  const l = new Lifecycle({ logger: capture().logger, registry });
  const value = async (state: string) => {
    const m = (await registry.getMetricsAsJSON()).find((x) => x.name === 'herald_lifecycle_state');
    return (m?.values as { labels: { state: string }; value: number }[]).find((v) => v.labels.state === state)?.value;
  };
  assert.equal(await value('starting'), 1);
  l.ready();
  assert.equal(await value('starting'), 0);
  assert.equal(await value('ready'), 1);
  l.fail('x');
  assert.equal(await value('ready'), 0);
  assert.equal(await value('failed'), 1);
});

test('after a failure the service stops once the grace is over, then exits 1', async () => {
  const l = new Lifecycle({ logger: capture().logger });
  const events: string[] = [];
  const exited = new Promise<number>((resolve) =>
    exitAfterFailure({
      lifecycle: l,
      logger: capture().logger,
      graceMs: 100,
      stop: async () => void events.push('stop'),
      exit: (code) => {
        events.push(`exit ${code}`);
        resolve(code);
      },
    }),
  );
  l.ready();
  const t0 = Date.now();
  l.fail('fenced');
  assert.deepEqual(events, [], 'nothing before the grace');
  assert.equal(await exited, 1);
  assert.ok(Date.now() - t0 >= 95);
  assert.deepEqual(events, ['stop', 'exit 1']);
});

test('a watched failure is found when the state is read', () => {
  const l = new Lifecycle({ logger: capture().logger });
  const flag: { reason?: string } = {};
  l.watch(() => flag.reason);
  l.ready();
  assert.equal(l.healthy, true);
  flag.reason = 'event loop blocked for 1200 ms (bound 1000 ms)';
  assert.equal(l.healthy, false);
  assert.equal(l.failure, flag.reason);
  const d = new Lifecycle({ logger: capture().logger });
  d.watch(() => 'late');
  assert.equal(d.state, 'failed', 'found while starting too');
});

test('a SIGTERM during the failure grace still exits non-zero', async () => {
  // A real process: the service failed, and the orchestrator stops it before the grace is over.
  const code = `
    const { createLogger } = await import('@herald/logger');
    const { Lifecycle, exitAfterFailure, installShutdown } = await import('${new URL('./index.ts', import.meta.url).href}');
    const logger = createLogger({ service: 'term', level: 'silent' });
    const lifecycle = new Lifecycle({ logger });
    const stop = async () => undefined;
    exitAfterFailure({ lifecycle, logger, stop, graceMs: 60_000 });
    installShutdown({ logger, stop, timeoutMs: 5_000 });
    lifecycle.ready();
    lifecycle.fail('consumer crashed');
    process.stdout.write('failed\\n');
  `;
  const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', code], { stdio: ['ignore', 'pipe', 'inherit'] });
  await new Promise<void>((resolve) => child.stdout.on('data', (c: Buffer) => c.toString().includes('failed') && resolve()));
  child.kill('SIGTERM');
  const exitCode = await new Promise<number | null>((r) => child.once('exit', (c) => r(c)));
  assert.equal(exitCode, 1);
});
