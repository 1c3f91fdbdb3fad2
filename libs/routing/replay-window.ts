import { ValidationError } from '@herald/errors';

/** A replay's time window: events appended at or after `from` and before `to`. */
export interface ReplayWindow {
  from: Date;
  to: Date;
}

/** The offsets of one partition a replay reads: `start` inclusive, `end` exclusive. */
export interface PartitionRange {
  partition: number;
  start: bigint;
  end: bigint;
}

/** What `admin.fetchTopicOffsets` and `fetchTopicOffsetsByTimestamp` answer, per partition. */
export interface PartitionOffset {
  partition: number;
  offset: string;
}

/**
 * Checks a requested window: both times valid, `from` before `to`, `to` not in the future and the
 * window at most `maxWindowMs` long. Throws a ValidationError naming the field to change.
 */
export function checkReplayWindow(from: Date, to: Date, now: number, maxWindowMs: number): ReplayWindow {
  if (Number.isNaN(from.getTime())) throw new ValidationError('from', 'must be an ISO 8601 date-time');
  if (Number.isNaN(to.getTime())) throw new ValidationError('to', 'must be an ISO 8601 date-time');
  if (to.getTime() <= from.getTime()) throw new ValidationError('to', 'must be later than from');
  if (to.getTime() > now) throw new ValidationError('to', `must not be in the future (now is ${new Date(now).toISOString()})`);
  if (to.getTime() - from.getTime() > maxWindowMs) {
    throw new ValidationError('from', `the window may be at most ${formatDuration(maxWindowMs)} long`);
  }
  return { from, to };
}

function formatDuration(ms: number): string {
  const hours = ms / 3_600_000;
  return Number.isInteger(hours) ? `${hours} h` : `${Math.round(ms / 1000)} s`;
}

/**
 * The offsets to read per partition: from the first offset at or after `from` to the first at or
 * after `to` (`fetchTopicOffsetsByTimestamp` answers the end offset when no record is that late).
 * Partitions with nothing in the window are left out.
 */
export function windowRanges(starts: readonly PartitionOffset[], ends: readonly PartitionOffset[]): PartitionRange[] {
  const endOf = new Map(ends.map((e) => [e.partition, BigInt(e.offset)]));
  const out: PartitionRange[] = [];
  for (const s of starts) {
    const start = BigInt(s.offset);
    const end = endOf.get(s.partition) ?? start;
    if (end > start) out.push({ partition: s.partition, start, end });
  }
  return out.sort((a, b) => a.partition - b.partition);
}

/**
 * The partitions where the window starts at the oldest retained record although older records were
 * deleted (retention, or `deleteRecords`): records of the window may be gone. The time of that
 * record says whether they are (it is later than `from`). Partitions with no record left say
 * nothing (the topic's retention time covers them).
 */
export function truncatedStarts(starts: readonly PartitionOffset[], lows: readonly PartitionOffset[], highs: readonly PartitionOffset[]): PartitionOffset[] {
  const lowOf = new Map(lows.map((l) => [l.partition, BigInt(l.offset)]));
  const highOf = new Map(highs.map((h) => [h.partition, BigInt(h.offset)]));
  return starts.filter((s) => {
    const low = lowOf.get(s.partition) ?? 0n;
    return low > 0n && BigInt(s.offset) === low && low < (highOf.get(s.partition) ?? 0n);
  });
}

/** Offsets in the window, for progress (`total`); may count transaction markers, never too few. */
export function totalOffsets(ranges: readonly PartitionRange[]): number {
  return ranges.reduce((n, r) => n + Number(r.end - r.start), 0);
}
