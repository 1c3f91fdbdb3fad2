import { test } from 'node:test';
import assert from 'node:assert/strict';
import { AttemptCancel, DeadlineSweep } from './attempt-cancel.js';

test('the deadline sweep runs only while attempts are in flight', () => {
  const sweep = new DeadlineSweep(10);
  assert.equal(sweep.armed, false);
  const a = new AttemptCancel(Date.now() + 60_000);
  sweep.add(a);
  assert.equal(sweep.armed, true);
  sweep.delete(a);
  assert.equal(sweep.armed, false);
  assert.equal(a.aborted, false);
});

test('an attempt past its deadline is aborted with a TimeoutError, then the sweep rests', async () => {
  const sweep = new DeadlineSweep(5);
  const late = new AttemptCancel(Date.now() + 20);
  const reasons: unknown[] = [];
  late.onAbort((r) => reasons.push(r));
  sweep.add(late);
  await new Promise((r) => setTimeout(r, 80));
  assert.equal(late.aborted, true);
  assert.equal((reasons[0] as DOMException).name, 'TimeoutError');
  assert.equal(sweep.armed, false);
});

test('abortAll aborts what is in flight with the given reason and stops sweeping', () => {
  const sweep = new DeadlineSweep(5);
  const a = new AttemptCancel(Date.now() + 60_000);
  sweep.add(a);
  sweep.abortAll(new Error('stopping'));
  assert.equal(a.aborted, true);
  assert.equal((a.reason as Error).message, 'stopping');
  assert.equal(sweep.armed, false);
  sweep.add(new AttemptCancel(Date.now() + 60_000));
  assert.equal(sweep.armed, false);
});
