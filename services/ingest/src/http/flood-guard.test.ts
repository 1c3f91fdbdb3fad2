import { test } from 'node:test';
import assert from 'node:assert/strict';
import { FloodGuard } from './flood-guard.js';
import { TooManyRequestsError } from './http-errors.js';

test('each registry has its own bucket: the burst, then the rate; refusals say when to come back', () => {
  let now = 0;
  const guard = new FloodGuard({ ratePerSecond: 2, burst: 3, maxInFlight: 100, now: () => now });
  for (let i = 0; i < 3; i++) guard.enter('a')();
  assert.throws(() => guard.enter('a'), (err: unknown) => err instanceof TooManyRequestsError && err.retryAfterSeconds === 1);
  guard.enter('b')();
  now = 500;
  guard.enter('a')();
  assert.throws(() => guard.enter('a'), TooManyRequestsError);
});

test('past the in-flight bound every registry is refused until a request leaves', () => {
  const guard = new FloodGuard({ ratePerSecond: 1_000, burst: 1_000, maxInFlight: 2 });
  const leaveA = guard.enter('a');
  guard.enter('b');
  assert.throws(() => guard.enter('c'), /2 requests are being published already/);
  leaveA();
  leaveA();
  guard.enter('c');
  assert.throws(() => guard.enter('c'), TooManyRequestsError);
});
