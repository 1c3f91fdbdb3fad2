import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { KafkaMessage } from '@herald/kafka';
import { PartitionWorker } from './partition-worker.js';
import { SlotPool } from './slot-pool.js';
import type { Task } from './task.js';
import type { AttemptOutcome } from './circuit-breaker.js';
import { EndpointProtection } from './endpoint-protection.js';

const msg = (offset: number, key = 'k'): KafkaMessage =>
  ({ offset: String(offset), key: Buffer.from(key), value: Buffer.from(''), timestamp: '0', attributes: 0, headers: {} }) as KafkaMessage;

const tick = () => new Promise((r) => setImmediate(r));

/** A worker whose tasks finish when the test says so. */
function harness(opts: { isRetry?: boolean; concurrency?: number; slots?: SlotPool; dueAt?: (o: number) => number; maxBuffered?: number } = {}) {
  const finish = new Map<string, () => void>();
  const started: string[] = [];
  const paused: boolean[] = [];
  const w = new PartitionWorker({
    topic: 't',
    partition: 0,
    isRetry: opts.isRetry ?? false,
    slots: opts.slots ?? new SlotPool(100, 100),
    concurrency: opts.concurrency ?? 100,
    maxBuffered: opts.maxBuffered ?? 1000,
    prepare: async (m): Promise<Task> => ({
      key: m.key?.toString() ?? '',
      dueAt: opts.dueAt?.(Number(m.offset)) ?? 0,
      attempt: true,
      run: () =>
        new Promise<void>((resolve) => {
          started.push(m.offset);
          finish.set(m.offset, resolve);
        }),
    }),
    setFetchPaused: (p) => paused.push(p),
    wake: () => setImmediate(() => w.pump()),
  });
  return { w, finish, started, paused };
}

test('commits in offset order, only past finished messages', async () => {
  const { w, finish, started } = harness();
  w.add([msg(10), msg(11), msg(12)], '12');
  w.pump();
  await tick();
  await tick();
  assert.deepEqual(started, ['10', '11', '12']);
  assert.equal(w.commitOffset(), '10', 'nothing finished: the oldest message is the commit point');
  finish.get('11')?.();
  finish.get('12')?.();
  await tick();
  assert.equal(w.commitOffset(), '10', 'message 10 is still in flight');
  finish.get('10')?.();
  await tick();
  assert.equal(w.commitOffset(), '13');
  w.markCommitted('13');
  assert.equal(w.commitOffset(), undefined);
});

test('a re-fetch after a rebalance is skipped; control-record gaps are committed past', async () => {
  const { w, finish } = harness();
  w.add([msg(0), msg(1)], '2');
  w.pump();
  await tick();
  await tick();
  w.add([msg(0), msg(1)], '2');
  finish.get('0')?.();
  finish.get('1')?.();
  await tick();
  assert.equal(w.commitOffset(), '3');
});

test('per-partition and per-notification limits hold', async () => {
  const slots = new SlotPool(100, 2);
  const { w, started } = harness({ slots, concurrency: 3 });
  w.add([msg(0, 'hang'), msg(1, 'hang'), msg(2, 'hang'), msg(3, 'a'), msg(4, 'b')], '4');
  w.pump();
  await tick();
  await tick();
  assert.deepEqual(started, ['0', '1', '3'], 'two for the hanging key, then another key; partition limit 3');
});

test('a retry partition waits for its head message and pauses fetching meanwhile', async () => {
  const due = Date.now() + 150;
  const { w, started, paused } = harness({ isRetry: true, dueAt: () => due });
  w.add([msg(5)], '5');
  w.pump();
  await tick();
  await tick();
  assert.deepEqual(started, []);
  assert.deepEqual(paused, [true]);
  await new Promise((r) => setTimeout(r, 250));
  assert.deepEqual(started, ['5']);
  assert.deepEqual(paused, [true, false]);
});

test('a prepare that fails unexpectedly is reported and retried, not left holding the commit point', async () => {
  const errors: string[] = [];
  let calls = 0;
  const w: PartitionWorker = new PartitionWorker({
    topic: 't',
    partition: 0,
    isRetry: false,
    slots: new SlotPool(10, 10),
    concurrency: 10,
    maxBuffered: 100,
    prepare: async (m): Promise<Task> => {
      if (m.offset === '1' && calls++ === 0) throw new Error('lookup blew up');
      return { key: 'k', dueAt: 0, attempt: true, run: async () => undefined };
    },
    setFetchPaused: () => undefined,
    wake: () => setImmediate(() => w.pump()),
    onError: (err, step, offset) => errors.push(`${step}@${offset}: ${(err as Error).message}`),
  });
  w.add([msg(0), msg(1), msg(2)], '2');
  await new Promise((r) => setTimeout(r, 1_300));
  assert.deepEqual(errors, ['prepare@1: lookup blew up']);
  assert.equal(w.commitOffset(), '3', 'the failed message was prepared again and finished');
  assert.equal(w.pending, 0);
});

test('messages finishing their bookkeeping do not hide ready ones from the scan', async () => {
  // 600 drops whose bookkeeping never ends (a producer that does not answer) ahead of one attempt.
  const started: string[] = [];
  const w: PartitionWorker = new PartitionWorker({
    topic: 't',
    partition: 0,
    isRetry: false,
    slots: new SlotPool(10, 10),
    concurrency: 10,
    maxBuffered: 10_000,
    prepare: async (m): Promise<Task> =>
      Number(m.offset) < 600
        ? { key: `d${m.offset}`, dueAt: 0, attempt: false, run: () => new Promise<void>(() => undefined) }
        : { key: 'k', dueAt: 0, attempt: true, run: async () => void started.push(m.offset) },
    setFetchPaused: () => undefined,
    wake: () => setImmediate(() => w.pump()),
  });
  w.add(Array.from({ length: 601 }, (_, i) => msg(i)), '600');
  for (let i = 0; i < 5; i++) await tick();
  assert.deepEqual(started, ['600']);
  const p = w.progress();
  assert.equal(p.states['running'], 600);
  assert.equal(p.waitingForDue, false);
});

test('progress: time of the last attempt started or message finished, states of the unfinished', async () => {
  const { w, finish } = harness();
  const before = w.progress().lastProgressAt;
  await new Promise((r) => setTimeout(r, 15));
  w.add([msg(0), msg(1)], '1');
  w.pump();
  await tick();
  await tick();
  const p = w.progress();
  assert.ok(p.lastProgressAt > before, 'starting an attempt is progress');
  assert.deepEqual(p.states, { running: 2 });
  finish.get('0')?.();
  await tick();
  assert.deepEqual(w.progress().states, { running: 1 });
});

/** A worker behind endpoint protection, pumped by hand at fake times. */
function protectedHarness(protection: EndpointProtection, target: (key: string) => Partial<Task>) {
  const finish = new Map<string, (outcome?: AttemptOutcome) => void>();
  const started: string[] = [];
  const waits: string[] = [];
  const w = new PartitionWorker({
    topic: 't',
    partition: 0,
    isRetry: false,
    slots: new SlotPool(100, 100),
    concurrency: 100,
    maxBuffered: 1000,
    protection,
    onWait: (reason) => waits.push(reason),
    prepare: async (m): Promise<Task> => {
      const key = m.key?.toString() ?? '';
      return {
        key,
        dueAt: 0,
        attempt: true,
        ...target(key),
        run: (_release, admission) =>
          new Promise<void>((resolve) => {
            started.push(`${key}@${m.offset}`);
            finish.set(m.offset, (outcome = 'failure') => {
              admission?.settle(outcome);
              resolve();
            });
          }),
      };
    },
    setFetchPaused: () => undefined,
    wake: () => undefined,
  });
  return { w, finish, started, waits };
}

test('a rate-limited notification waits in its own queue; its neighbour on the partition goes at once', async () => {
  const p = new EndpointProtection({ destinationRatePerSecond: 0 });
  const { w, finish, started, waits } = protectedHarness(p, (key) => (key === 'slow' ? { rateLimit: 1 } : {}));
  w.add([msg(0, 'slow'), msg(1, 'slow'), msg(2, 'slow'), msg(3, 'slow'), msg(4, 'fast'), msg(5, 'fast')], '5');
  await tick();
  w.pump(0);
  assert.deepEqual(started, ['slow@0', 'slow@1', 'fast@4', 'fast@5'], 'the burst of two, and the neighbour');
  assert.deepEqual(waits, ['notification_rate_limit', 'notification_rate_limit'], 'each waiting job counted once; the later one queues behind the first');
  assert.equal(w.waiting, 2);
  w.pump(999);
  assert.equal(started.length, 4);
  w.pump(1_000);
  assert.deepEqual(started.slice(4), ['slow@2']);
  for (const o of ['0', '1', '2', '4', '5']) finish.get(o)?.();
  await tick();
  assert.equal(w.commitOffset(), '3', 'the waiting job holds the commit point: a crash re-delivers it');
  assert.deepEqual(w.progress().waitingForProtection, true, 'only waiting jobs left: not a stall');
  w.pump(2_000);
  finish.get('3')?.();
  await tick();
  assert.equal(w.commitOffset(), '6');
  assert.equal(w.progress().waitingForProtection, false);
});

test('jobs for an open breaker wait without a slot until the probe; success lets the rest go', async () => {
  let now = 0;
  const p = new EndpointProtection({ destinationRatePerSecond: 0, clock: () => now, breaker: { failures: 2, openMs: 1_000, maxOpenMs: 1_000, probeLeaseMs: 5_000 } });
  const { w, finish, started, waits } = protectedHarness(p, (key) => ({ destination: key === 'down' ? 'down:80' : 'up:80' }));
  w.add([msg(0, 'down'), msg(1, 'down')], '1');
  await tick();
  w.pump(now);
  finish.get('0')?.();
  finish.get('1')?.();
  await tick();
  assert.equal(p.breakers?.state('down:80'), 'open');
  w.add([msg(2, 'down'), msg(3, 'down'), msg(4, 'up')], '4');
  await tick();
  w.pump(now);
  assert.deepEqual(started, ['down@0', 'down@1', 'up@4'], 'nothing attempted to the open destination');
  assert.deepEqual(waits, ['breaker_open', 'breaker_open']);
  now = 1_000;
  w.pump(now);
  assert.deepEqual(started.slice(3), ['down@2'], 'one probe');
  assert.equal(p.breakers?.state('down:80'), 'half_open');
  w.pump(now);
  assert.equal(started.length, 4, 'the others wait for the probe');
  const gen = p.generation;
  finish.get('2')?.('success');
  await tick();
  assert.equal(p.breakers?.state('down:80'), 'closed');
  assert.equal(p.generation, gen + 1, 'a closed breaker lets its waiting queues ask again before their time');
  w.pump(now);
  assert.deepEqual(started.slice(4), ['down@3']);
  assert.equal(w.waiting, 0);
});

test('jobs waiting on protection do not pause fetching, up to the allowance', async () => {
  const p = new EndpointProtection({ destinationRatePerSecond: 0 });
  const paused: boolean[] = [];
  const w = new PartitionWorker({
    topic: 't',
    partition: 0,
    isRetry: false,
    slots: new SlotPool(100, 100),
    concurrency: 100,
    maxBuffered: 10,
    protection: p,
    prepare: async (m): Promise<Task> => ({ key: m.key?.toString() ?? '', dueAt: 0, attempt: true, rateLimit: 0.001, run: () => new Promise<void>(() => undefined) }),
    setFetchPaused: (on) => paused.push(on),
    wake: () => undefined,
  });
  w.add(Array.from({ length: 12 }, (_, i) => msg(i, 'burst')), '11');
  assert.deepEqual(paused, [true], 'twelve jobs not yet looked at: paused as before');
  await tick();
  w.pump(0);
  assert.equal(w.waiting, 10, 'the burst of two went, ten wait');
  assert.deepEqual(paused, [true, false], 'waiting jobs give the buffer back: a neighbour can still be fetched');
  w.add(Array.from({ length: 28 }, (_, i) => msg(12 + i, 'burst')), '39');
  await tick();
  w.pump(0);
  assert.equal(w.pending, 40);
  assert.deepEqual(paused, [true, false, true], 'paused again at four times the buffer');
  w.close();
});
