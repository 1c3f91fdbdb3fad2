import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createKafka, TOPICS } from '@herald/kafka';
import { startService, type ServiceProcess } from '@herald/testing';
import { openTestDb, type TestDb } from '../helpers/mongo.js';
import { positionAtEnd } from '../support/job-reader.js';
import { BROKERS, REGISTRY_URL } from './webhook-fixture.js';

// Issue 14: an event loop blocked past EVENT_LOOP_STALL_MS fails the service. The service runs as
// its own process with a preloaded module that blocks its main loop on SIGUSR2 (for BLOCK_MS): the
// way a runaway synchronous computation would. Nothing in the service knows about it.
const id = randomBytes(4).toString('hex');
const dir = mkdtempSync(join(tmpdir(), 'herald-loop-'));
const blocker = join(dir, 'block-on-usr2.mjs');
writeFileSync(
  blocker,
  `import { writeSync } from 'node:fs';
process.on('SIGUSR2', () => {
  writeSync(1, '{"msg":"test blocks the loop"}\\n');
  const until = Date.now() + Number(process.env.BLOCK_MS);
  while (Date.now() < until) {}
});
`,
);
let testDb: TestDb;
const running: ServiceProcess[] = [];

before(async () => {
  testDb = await openTestDb('event_loop');
});

after(async () => {
  for (const s of running) await s.kill('SIGKILL');
  await testDb?.drop();
  rmSync(dir, { recursive: true, force: true });
});

async function start(label: string, blockMs: number): Promise<ServiceProcess> {
  const groupId = `herald-test-loop-${label}-${id}`;
  // At the end of the job topics: a backlog left by earlier tests would only load the process.
  await positionAtEnd(createKafka({ brokers: BROKERS, clientId: 'herald-loop-test' }), groupId, [TOPICS.jobs('webhook'), ...[1, 2, 3, 4, 5, 6].map((n) => TOPICS.retry('webhook', n))]);
  const svc = await startService('delivery-webhook', {
    KAFKA_BROKERS: BROKERS.join(','),
    SCHEMA_REGISTRY_URL: REGISTRY_URL,
    MONGO_DB: testDb.name,
    DELIVERY_GROUP_ID: groupId,
    WEBHOOK_ALLOW_LIST: '127.0.0.1',
    EVENT_LOOP_STALL_MS: '2000',
    BLOCK_MS: String(blockMs),
    HERALD_NODE_ARGS: `--import ${blocker}`,
    LOG_LEVEL: 'info',
  }, `webhook-loop-${label}-${id}`);
  running.push(svc);
  await svc.ready(90_000);
  return svc;
}

/** Signals the service to block its loop; resolves once the block has begun (its marker line). */
function blockLoop(svc: ServiceProcess): Promise<void> {
  return new Promise((resolve) => {
    const onData = (c: Buffer) => {
      if (!c.toString().includes('test blocks the loop')) return;
      svc.child.stdout?.off('data', onData);
      resolve();
    };
    svc.child.stdout?.on('data', onData);
    svc.child.kill('SIGUSR2');
  });
}

const exitOf = (svc: ServiceProcess) => new Promise<[number | null, NodeJS.Signals | null]>((resolve) => svc.child.once('exit', (code, signal) => resolve([code, signal])));
const logLines = (svc: ServiceProcess) => readFileSync(svc.logFile, 'utf8').split('\n').filter((l) => l.startsWith('{')).map((l) => JSON.parse(l) as Record<string, unknown>);

test('a loop blocked past the bound, then free again: /healthz 503 naming it, exit 1 after the grace', { timeout: 120_000 }, async () => {
  const svc = await start('blip', 4_000);
  const ops = `http://127.0.0.1:${svc.opsPort}`;
  assert.equal((await fetch(`${ops}/healthz`)).status, 200);
  const exited = exitOf(svc);
  const t0 = Date.now();
  await blockLoop(svc);
  // The first answer comes once the loop runs again: by then the watchdog thread has reported it.
  const health = await fetch(`${ops}/healthz`);
  const body = (await health.json()) as { state: string; reason: string };
  assert.ok(Date.now() - t0 >= 3_500, 'answered only after the block');
  assert.equal(health.status, 503);
  assert.equal(body.state, 'failed');
  assert.match(body.reason, /^event loop blocked for \d+ ms \(bound 2000 ms\)$/);
  const ready = await fetch(`${ops}/readyz`);
  assert.equal(ready.status, 503);
  assert.match(await (await fetch(`${ops}/metrics`)).text(), /herald_lifecycle_state\{state="failed",service="delivery-webhook"\} 1/);
  const [code, signal] = await exited;
  assert.deepEqual([code, signal], [1, null], 'stopped and exited 1');
  const elapsed = Date.now() - t0;
  assert.ok(elapsed >= 4_000 + 4_000 && elapsed < 30_000, `exit after the grace (${elapsed} ms)`);
  const log = logLines(svc);
  const stalled = log.filter((l) => l['msg'] === 'event loop stalled');
  assert.equal(stalled.length, 1, 'the watchdog thread logged the stall while the loop was blocked');
  assert.equal(stalled[0]!['service'], 'delivery-webhook');
  assert.ok(Number(stalled[0]!['blockedMs']) >= 2_000);
  assert.deepEqual(log.filter((l) => l['msg'] === 'lifecycle transition').map((l) => l['to']), ['ready', 'failed'], 'failed once; stop() leaves it failed');
});

test('a loop that stays blocked is killed once the grace is over', { timeout: 120_000 }, async () => {
  const svc = await start('spin', 600_000);
  const exited = exitOf(svc);
  const t0 = Date.now();
  await blockLoop(svc);
  const [code, signal] = await exited;
  const elapsed = Date.now() - t0;
  assert.deepEqual([code, signal], [null, 'SIGKILL']);
  assert.ok(elapsed >= 6_500 && elapsed < 20_000, `killed after bound + grace (${elapsed} ms)`);
  const log = logLines(svc);
  assert.deepEqual(
    log.filter((l) => String(l['msg']).startsWith('event loop')).map((l) => [l['msg'], l['level']]),
    [['event loop stalled', 50], ['event loop still stalled, killing the process', 60]],
  );
});
