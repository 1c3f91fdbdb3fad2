import { test } from 'node:test';
import assert from 'node:assert/strict';
import { RetrySchedule } from './retry-schedule.js';
import { deliveryErrorForStatus, parseRetryAfter } from './http-status.js';

test('levels follow the schedule and end in exhaustion', () => {
  const s = new RetrySchedule([10, 20, 30]);
  assert.deepEqual(s.next(0), { kind: 'retry', level: 1, delayMs: 10 });
  assert.deepEqual(s.next(2), { kind: 'retry', level: 3, delayMs: 30 });
  assert.deepEqual(s.next(3), { kind: 'exhausted' });
});

test('a long Retry-After skips to the level that covers it, bounded by the longest delay', () => {
  const s = new RetrySchedule([200, 500, 1000, 5000]);
  assert.deepEqual(s.next(0, 100), { kind: 'retry', level: 1, delayMs: 200 });
  assert.deepEqual(s.next(0, 800), { kind: 'retry', level: 3, delayMs: 1000 });
  assert.deepEqual(s.next(0, 60_000), { kind: 'retry', level: 4, delayMs: 5000 });
  assert.deepEqual(s.next(3, 60_000), { kind: 'retry', level: 4, delayMs: 5000 });
});

test('HTTP status mapping', () => {
  assert.equal(deliveryErrorForStatus(200), undefined);
  assert.equal(deliveryErrorForStatus(204), undefined);
  for (const s of [408, 429, 500, 502, 503]) assert.equal(deliveryErrorForStatus(s)?.retriable, true, String(s));
  for (const s of [301, 302, 307, 400, 401, 404, 422]) assert.equal(deliveryErrorForStatus(s)?.retriable, false, String(s));
  assert.equal(deliveryErrorForStatus(410)?.disable, true);
  assert.equal(deliveryErrorForStatus(302)?.errorClass, 'redirect');
  assert.equal(deliveryErrorForStatus(429, { 'retry-after': '3' })?.retryAfterMs, 3000);
});

test('Retry-After as seconds or HTTP date', () => {
  assert.equal(parseRetryAfter('120'), 120_000);
  assert.equal(parseRetryAfter(new Date(10_000).toUTCString(), 4_000), 6_000);
  assert.equal(parseRetryAfter('soon'), undefined);
  assert.equal(parseRetryAfter(undefined), undefined);
});
