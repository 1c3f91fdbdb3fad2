import { test } from 'node:test';
import assert from 'node:assert/strict';
import { RateLimits, TokenBucket } from './rate-limit.js';

/** Takes tokens as soon as the bucket allows, from t = 0 to `untilMs`; returns the times taken. */
function drain(b: TokenBucket, untilMs: number): number[] {
  const taken: number[] = [];
  let now = 0;
  while (now < untilMs) {
    const wait = b.waitUntil(now);
    if (wait === 0) {
      b.take(now);
      taken.push(now);
    } else now = wait;
  }
  return taken;
}

test('a bucket lets its rate through, with a burst of a tenth of a second', () => {
  const b = new TokenBucket(40, 0);
  assert.equal(b.burst, 4);
  const taken = drain(b, 30_000);
  // 4 at once, then one every 25 ms.
  assert.equal(taken.length, 4 + 30_000 / 25 - 1);
  for (let s = 0; s < 30; s++) {
    const inSecond = taken.filter((t) => t >= s * 1000 && t < (s + 1) * 1000).length;
    assert.ok(inSecond >= 40 && inSecond <= 44, `second ${s}: ${inSecond}`);
  }
});

test('a slow rate waits whole intervals; the burst is at least two tokens', () => {
  const b = new TokenBucket(0.5, 0);
  assert.equal(b.burst, 2);
  b.take(0);
  assert.equal(b.waitUntil(0), 0);
  b.take(0);
  assert.equal(b.waitUntil(0), 2_000);
  assert.equal(b.waitUntil(1_999), 2_000);
  assert.equal(b.waitUntil(2_000), 0);
});

test('an idle bucket fills up to its burst only', () => {
  const b = new TokenBucket(10, 0);
  b.take(0);
  assert.equal(b.isFull(0), false);
  assert.equal(b.isFull(60_000), true);
  b.take(60_000);
  b.take(60_000);
  assert.ok(b.waitUntil(60_000) > 60_000, 'after a minute idle, two tokens at once, not 600');
});

test('a key gets a new bucket when its rate changes', () => {
  const limits = new RateLimits();
  const a = limits.bucket('n1', 5, 0);
  assert.equal(limits.bucket('n1', 5, 10), a);
  assert.notEqual(limits.bucket('n1', 6, 10), a);
  assert.equal(limits.size, 1);
});
