import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Admission } from './circuit-breaker.js';
import { configError, DeliveryError } from './delivery-error.js';
import { attemptOutcomeOf, EndpointProtection } from './endpoint-protection.js';

const go = (a: Admission | number): Admission => {
  assert.notEqual(typeof a, 'number', `told to wait until ${String(a)}`);
  return a as Admission;
};

test("the destination's limit is shared by its notifications; other destinations are not held", () => {
  const p = new EndpointProtection({ destinationRatePerSecond: 2 });
  go(p.admit({ key: 'n1', destination: 'a:443' }, 0));
  go(p.admit({ key: 'n2', destination: 'a:443' }, 0));
  assert.equal(p.admit({ key: 'n2', destination: 'a:443' }, 0), 500, 'the burst of two is spent');
  assert.equal(p.lastWaitReason, 'destination_rate_limit');
  go(p.admit({ key: 'n2', destination: 'b:443' }, 0));
  go(p.admit({ key: 'n2', destination: 'a:443' }, 500));
});

test('nothing is taken from one limit while another makes the job wait', () => {
  const p = new EndpointProtection({ destinationRatePerSecond: 1 });
  // The notification's own limit holds it: the destination's token stays for the neighbour.
  go(p.admit({ key: 'slow', destination: 'a:80', rateLimit: 0.5 }, 0));
  go(p.admit({ key: 'slow', destination: 'a:80', rateLimit: 0.5 }, 0));
  assert.equal(p.admit({ key: 'slow', destination: 'a:80', rateLimit: 0.5 }, 1_000), 2_000);
  assert.equal(p.lastWaitReason, 'notification_rate_limit');
  go(p.admit({ key: 'other', destination: 'a:80' }, 1_000));
});

test('an open breaker holds every job for its destination until the probe; the probe is one job', () => {
  let now = 0;
  const p = new EndpointProtection({ destinationRatePerSecond: 0, clock: () => now, breaker: { failures: 1, openMs: 1_000, maxOpenMs: 1_000, probeLeaseMs: 10_000 } });
  go(p.admit({ key: 'n', destination: 'd:80' }, 0)).settle('failure');
  assert.equal(p.admit({ key: 'n', destination: 'd:80', rateLimit: 100 }, 10), 1_000);
  assert.equal(p.lastWaitReason, 'breaker_open');
  go(p.admit({ key: 'no-destination' }, 10));
  now = 1_000;
  const probe = go(p.admit({ key: 'n', destination: 'd:80' }, 1_000));
  assert.equal(p.admit({ key: 'm', destination: 'd:80' }, 1_000), 11_000, 'the others wait for the probe');
  probe.settle('success');
  assert.equal(p.generation, 1);
  go(p.admit({ key: 'm', destination: 'd:80' }, 1_001));
});

test('what an attempt says of its destination', () => {
  const err = (retriable: boolean, statusCode?: number) => new DeliveryError('X', 'x', { retriable, errorClass: 'x', ...(statusCode ? { statusCode } : {}) });
  assert.equal(attemptOutcomeOf(undefined), 'success');
  assert.equal(attemptOutcomeOf(err(true, 503)), 'failure');
  assert.equal(attemptOutcomeOf(err(true)), 'failure', 'a timeout or a refused connection');
  assert.equal(attemptOutcomeOf(err(false, 404)), 'success', 'it answered');
  assert.equal(attemptOutcomeOf(configError('bad template')), 'neutral');
  assert.equal(attemptOutcomeOf(Object.assign(new Error('connection refused'), { name: 'MongoNetworkError' })), 'neutral', 'MongoDB down inside the sender');
});
