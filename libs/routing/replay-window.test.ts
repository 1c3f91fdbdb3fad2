import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ValidationError } from '@herald/errors';
import { checkReplayWindow, totalOffsets, truncatedStarts, windowRanges } from './replay-window.js';

const NOW = Date.parse('2026-12-03T12:00:00Z');
const HOUR = 3_600_000;
const at = (iso: string) => new Date(iso);

function fieldOf(fn: () => unknown): string {
  try {
    fn();
  } catch (err) {
    assert.ok(err instanceof ValidationError);
    return err.field;
  }
  assert.fail('expected a ValidationError');
}

test('a window inside the limits is accepted as given', () => {
  const w = checkReplayWindow(at('2026-12-03T10:00:00Z'), at('2026-12-03T11:00:00Z'), NOW, 24 * HOUR);
  assert.equal(w.from.toISOString(), '2026-12-03T10:00:00.000Z');
  assert.equal(w.to.toISOString(), '2026-12-03T11:00:00.000Z');
  // `to` may be exactly now, and the window exactly the maximum.
  assert.doesNotThrow(() => checkReplayWindow(new Date(NOW - 24 * HOUR), new Date(NOW), NOW, 24 * HOUR));
});

test('each refused window names the field to change', () => {
  assert.equal(fieldOf(() => checkReplayWindow(at('nonsense'), at('2026-12-03T11:00:00Z'), NOW, HOUR)), 'from');
  assert.equal(fieldOf(() => checkReplayWindow(at('2026-12-03T10:00:00Z'), at('nonsense'), NOW, HOUR)), 'to');
  assert.equal(fieldOf(() => checkReplayWindow(at('2026-12-03T11:00:00Z'), at('2026-12-03T11:00:00Z'), NOW, HOUR)), 'to');
  assert.equal(fieldOf(() => checkReplayWindow(at('2026-12-03T11:00:00Z'), at('2026-12-03T10:00:00Z'), NOW, HOUR)), 'to');
  assert.equal(fieldOf(() => checkReplayWindow(new Date(NOW - 1000), new Date(NOW + 1), NOW, HOUR)), 'to');
  assert.equal(fieldOf(() => checkReplayWindow(new Date(NOW - HOUR - 1), new Date(NOW), NOW, HOUR)), 'from');
});

test('ranges run from the offset of `from` to the offset of `to`, empty partitions left out', () => {
  const starts = [
    { partition: 2, offset: '10' },
    { partition: 0, offset: '5' },
    { partition: 1, offset: '7' },
  ];
  const ends = [
    { partition: 0, offset: '9' },
    { partition: 1, offset: '7' },
    { partition: 2, offset: '11' },
  ];
  const ranges = windowRanges(starts, ends);
  assert.deepEqual(ranges, [
    { partition: 0, start: 5n, end: 9n },
    { partition: 2, start: 10n, end: 11n },
  ]);
  assert.equal(totalOffsets(ranges), 5);
  assert.deepEqual(windowRanges(starts, []), []);
});

test('only partitions whose window starts at a truncated beginning need their first record read', () => {
  const lows = [
    { partition: 0, offset: '0' },
    { partition: 1, offset: '4' },
    { partition: 2, offset: '4' },
    { partition: 3, offset: '6' },
  ];
  const highs = [
    { partition: 0, offset: '3' },
    { partition: 1, offset: '9' },
    { partition: 2, offset: '9' },
    { partition: 3, offset: '6' },
  ];
  const starts = [
    { partition: 0, offset: '0' }, // nothing was ever deleted
    { partition: 1, offset: '4' }, // starts at the oldest retained record, older ones deleted
    { partition: 2, offset: '5' }, // starts later than the oldest retained record: nothing lost
    { partition: 3, offset: '6' }, // everything deleted: no record to read
  ];
  assert.deepEqual(truncatedStarts(starts, lows, highs), [{ partition: 1, offset: '4' }]);
});
