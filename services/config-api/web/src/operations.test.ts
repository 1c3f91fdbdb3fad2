import { test } from 'node:test';
import assert from 'node:assert/strict';
import { barLayout } from './health-dialog.js';
import { localInput, progressText, type ReplayStatus } from './replay-dialog.js';

test('the health chart stacks each bucket by outcome, scaled to the busiest bucket', () => {
  const t = '2026-12-03T10:00:00.000Z';
  const bars = barLayout(
    [
      { t, success: 2, retry: 0, dead_letter: 0 },
      { t, success: 0, retry: 0, dead_letter: 0 },
      { t, success: 1, retry: 2, dead_letter: 1 },
    ],
    300,
    100,
  );
  assert.deepEqual(
    bars.map((b) => [b.i, b.outcome, b.count, b.x, Math.round(b.y), Math.round(b.h)]),
    [
      [0, 'success', 2, 0, 50, 50],
      [2, 'success', 1, 200, 75, 25],
      [2, 'retry', 2, 200, 25, 50],
      [2, 'dead_letter', 1, 200, 0, 25],
    ],
  );
  assert.deepEqual(barLayout([], 300, 100), []);
});

test('the replay form’s times and progress in words', () => {
  assert.equal(localInput(new Date(2026, 11, 3, 9, 5, 7)), '2026-12-03T09:05:07');
  const r: ReplayStatus = {
    id: 'r',
    state: 'running',
    from: '2026-12-03T09:00:00Z',
    to: '2026-12-03T10:00:00Z',
    scanned: 40,
    matched: 12,
    produced: 10,
    done: 42,
    total: 100,
    requested_by: 'alice',
    created_at: '2026-12-03T10:01:00Z',
    finished_at: null,
    error: null,
  };
  assert.equal(progressText(r), 'Running: 42 of 100 offsets; 40 events read, 12 matched, 10 queued for delivery.');
  assert.equal(progressText({ ...r, state: 'failed', error: 'the event log could not be read' }), 'Failed: 42 of 100 offsets; 40 events read, 12 matched, 10 queued for delivery. the event log could not be read');
});
