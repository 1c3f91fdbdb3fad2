import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CircuitBreakers, type BreakerSnapshot } from './circuit-breaker.js';

function breakers() {
  let now = 1_000;
  const transitions: BreakerSnapshot[] = [];
  let wakes = 0;
  const b = new CircuitBreakers({
    failures: 3,
    openMs: 1_000,
    maxOpenMs: 3_000,
    probeLeaseMs: 500,
    clock: () => now,
    onTransition: (t) => transitions.push(t),
    onWake: () => wakes++,
  });
  return { b, transitions, wakes: () => wakes, at: (t: number) => (now = t), now: () => now };
}

const D = 'hooks.example.com:443';

test('opens after N failures in a row; a success in between starts the count again', () => {
  const { b, transitions, at } = breakers();
  for (const o of ['failure', 'failure', 'success', 'failure', 'failure'] as const) b.admit(D, 1_000).settle(o);
  assert.equal(b.state(D), 'closed');
  at(1_100);
  b.admit(D, 1_100).settle('failure');
  assert.equal(b.state(D), 'open');
  assert.deepEqual(transitions, [{ destination: D, state: 'open', since: 1_100, consecutiveFailures: 3, nextProbeAt: 2_100, openedCount: 1 }]);
  assert.equal(b.check(D, 1_500), 2_100, 'jobs wait until the probe time');
  assert.deepEqual(b.counts(), { open: 1, half_open: 0 });
});

test('neutral outcomes do not count, and attempts that started before it opened do not move it', () => {
  const { b } = breakers();
  const early = b.admit(D, 1_000);
  for (let i = 0; i < 5; i++) b.admit(D, 1_000).settle('neutral');
  assert.equal(b.state(D), 'closed');
  for (let i = 0; i < 3; i++) b.admit(D, 1_000).settle('failure');
  assert.equal(b.state(D), 'open');
  early.settle('success');
  assert.equal(b.state(D), 'open', 'a success of an attempt started while closed does not close an open breaker');
});

test('half-open lets one probe out; success closes it and wakes the waiting jobs', () => {
  const { b, transitions, wakes, at } = breakers();
  for (let i = 0; i < 3; i++) b.admit(D, 1_000).settle('failure');
  at(2_000);
  assert.equal(b.check(D, 2_000), 'probe');
  const probe = b.admit(D, 2_000);
  assert.equal(b.state(D), 'half_open');
  assert.equal(b.check(D, 2_100), 2_500, 'one probe at a time: the others wait for its lease');
  at(2_200);
  probe.settle('success');
  assert.equal(b.state(D), 'closed');
  assert.equal(b.check(D, 2_200), 0);
  assert.equal(wakes(), 1);
  assert.deepEqual(
    transitions.map((t) => [t.state, t.since, t.consecutiveFailures]),
    [
      ['open', 1_000, 3],
      ['half_open', 2_000, 3],
      ['closed', 2_200, 0],
    ],
  );
  assert.deepEqual(b.counts(), { open: 0, half_open: 0 });
});

test('a failed probe re-opens it for twice as long, up to the cap', () => {
  const { b, transitions, wakes, at } = breakers();
  for (let i = 0; i < 3; i++) b.admit(D, 1_000).settle('failure');
  const opens: number[] = [];
  let t = 2_000;
  for (let i = 0; i < 4; i++) {
    at(t);
    assert.equal(b.check(D, t), 'probe');
    b.admit(D, t).settle('failure');
    const next = b.check(D, t) as number;
    opens.push(next - t);
    t = next;
  }
  assert.deepEqual(opens, [2_000, 3_000, 3_000, 3_000]);
  assert.equal(wakes(), 4, 'each failed probe lets jobs told to wait for its lease ask again');
  assert.equal(transitions.at(-1)?.consecutiveFailures, 7);
});

test('a probe that never reports is replaced after its lease; a neutral one at once', () => {
  const { b, wakes, at } = breakers();
  for (let i = 0; i < 3; i++) b.admit(D, 1_000).settle('failure');
  at(2_000);
  const lost = b.admit(D, 2_000);
  assert.equal(b.check(D, 2_499), 2_500);
  assert.equal(b.check(D, 2_500), 'probe');
  const second = b.admit(D, 2_500);
  lost.settle('success');
  assert.equal(b.state(D), 'half_open', 'only the latest probe decides');
  second.settle('neutral');
  assert.equal(wakes(), 1);
  assert.equal(b.check(D, 2_600), 'probe');
});

test('a restored open breaker waits for its probe time; a restored half-open one probes at once', () => {
  const { b } = breakers();
  b.restore({ destination: D, state: 'open', since: 0, consecutiveFailures: 5, nextProbeAt: 9_000, openedCount: 2 });
  b.restore({ destination: 'b:80', state: 'half_open', since: 0, consecutiveFailures: 5, nextProbeAt: 0, openedCount: 1 });
  assert.equal(b.check(D, 1_000), 9_000);
  assert.equal(b.check('b:80', 1_000), 'probe');
});
