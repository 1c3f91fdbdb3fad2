import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { EventLoopWatchdog } from './event-loop-watchdog.js';

// The watchdog holds nothing open (a service's servers keep it running); a test keeps its loop alive itself.
const keepAlive = setInterval(() => undefined, 60_000);
after(() => clearInterval(keepAlive));

const block = (ms: number) => {
  const until = Date.now() + ms;
  while (Date.now() < until) {
    // A blocked loop.
  }
};

test('a loop blocked past the bound is reported once it runs again', async () => {
  const stalls: number[] = [];
  let onStall!: () => void;
  const reported = new Promise<void>((r) => (onStall = r));
  const w = new EventLoopWatchdog({ stallMs: 300, killAfterMs: 60_000, onStall: (ms) => (stalls.push(ms), onStall()) });
  w.start();
  try {
    // Let the thread start and see a few heartbeats first.
    await new Promise((r) => setTimeout(r, 200));
    assert.equal(w.stalledMs(), undefined);
    block(700);
    // Known from shared memory as soon as the loop runs again, before the thread's message.
    assert.ok(w.stalledMs()! >= 300, 'read synchronously after the block');
    await reported;
    assert.equal(stalls.length, 1);
    assert.ok(stalls[0]! >= 300 && stalls[0]! < 1_000, `blocked ${stalls[0]} ms`);
  } finally {
    await w.stop();
  }
});

test('short blocks below the bound are not stalls', async () => {
  const stalls: number[] = [];
  const w = new EventLoopWatchdog({ stallMs: 500, killAfterMs: 60_000, onStall: (ms) => stalls.push(ms) });
  w.start();
  try {
    await new Promise((r) => setTimeout(r, 200));
    for (let i = 0; i < 4; i++) {
      block(150);
      await new Promise((r) => setTimeout(r, 60));
    }
    // The watchdog checks every 50 ms: a stall would have been posted well within this.
    await new Promise((r) => setTimeout(r, 300));
    assert.deepEqual(stalls, []);
  } finally {
    await w.stop();
  }
});

test('a loop that stays blocked is killed by the watchdog thread, with its log lines', async () => {
  // A real process whose loop never comes back: only the watchdog thread can end it.
  const code = `
    import('${new URL('./event-loop-watchdog.ts', import.meta.url).href}').then(({ EventLoopWatchdog }) => {
      new EventLoopWatchdog({ stallMs: 300, killAfterMs: 300, onStall: () => {}, logFields: { service: 'spin' } }).start();
      setTimeout(() => { for (;;) {} }, 200);
    });`;
  const child = spawn(process.execPath, ['--import', 'tsx', '-e', code], { stdio: ['ignore', 'pipe', 'inherit'] });
  let out = '';
  child.stdout.on('data', (c: Buffer) => (out += c.toString()));
  const t0 = Date.now();
  const [exitCode, signal] = await new Promise<[number | null, NodeJS.Signals | null]>((r) => child.once('exit', (c, s) => r([c, s])));
  assert.equal(signal, 'SIGKILL');
  assert.equal(exitCode, null);
  assert.ok(Date.now() - t0 < 10_000);
  const lines = out.split('\n').filter(Boolean).map((l) => JSON.parse(l) as { msg: string; level: number; service: string });
  assert.deepEqual(lines.map((l) => [l.msg, l.level, l.service]), [
    ['event loop stalled', 50, 'spin'],
    ['event loop still stalled, killing the process', 60, 'spin'],
  ]);
});

test('a process at rest is not reported: the heartbeat keeps up', async () => {
  const stalls: number[] = [];
  const w = new EventLoopWatchdog({ stallMs: 200, killAfterMs: 60_000, onStall: (ms) => stalls.push(ms) });
  w.start();
  await new Promise((r) => setTimeout(r, 800));
  await w.stop();
  assert.deepEqual(stalls, []);
  assert.equal(new EventLoopWatchdog({ stallMs: 30_000, killAfterMs: 1, onStall: () => undefined }).intervalMs, 3_000);
});
