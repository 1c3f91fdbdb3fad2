import { HeraldError } from '@herald/errors';
import { observeTopics, type Kafka } from '@herald/kafka';
import { readRanges } from './replay-reader.js';
import { totalOffsets, truncatedStarts, windowRanges, type PartitionRange, type ReplayWindow } from './replay-window.js';

/** What a replay will read: offsets per partition, and how many in all (its `total`). */
export interface ReplayPlan {
  ranges: PartitionRange[];
  total: number;
}

/** The window starts before the oldest event the topic still holds: some of its events are gone. */
export class ReplayWindowExpiredError extends HeraldError {
  readonly earliestAvailable: Date;

  constructor(topic: string, from: Date, earliestAvailable: Date) {
    super(
      'REPLAY_WINDOW_EXPIRED',
      `from ${from.toISOString()} is older than what ${topic} retains: the earliest available event time is ${earliestAvailable.toISOString()}`,
      { details: { field: 'from', earliest_available: earliestAvailable.toISOString() } },
    );
    this.earliestAvailable = earliestAvailable;
  }
}

/**
 * Finds the offsets of `window` in each partition of `topic` (by timestamp) and refuses a window
 * that starts before what the topic retains: before now minus its `retention.ms`, or before the
 * oldest retained record of a partition that has lost older ones (read once, only for partitions
 * whose window starts exactly there).
 */
export async function planReplay(kafka: Kafka, topic: string, window: ReplayWindow, now: number = Date.now()): Promise<ReplayPlan> {
  const admin = kafka.admin();
  await admin.connect();
  let starts, ends, offsets, retentionMs: number | undefined;
  try {
    offsets = await admin.fetchTopicOffsets(topic);
    starts = await admin.fetchTopicOffsetsByTimestamp(topic, window.from.getTime());
    ends = await admin.fetchTopicOffsetsByTimestamp(topic, window.to.getTime());
    const observed = (await observeTopics(admin, [topic], ['retention.ms'])).get(topic);
    const raw = observed?.overrides['retention.ms'] ?? observed?.defaults['retention.ms'];
    retentionMs = raw === undefined || Number(raw) < 0 ? undefined : Number(raw);
  } finally {
    await admin.disconnect();
  }
  if (retentionMs !== undefined && window.from.getTime() < now - retentionMs) {
    throw new ReplayWindowExpiredError(topic, window.from, new Date(now - retentionMs));
  }
  const lows = offsets.map((o) => ({ partition: o.partition, offset: o.low }));
  const highs = offsets.map((o) => ({ partition: o.partition, offset: o.high }));
  const truncated = truncatedStarts(starts, lows, highs);
  if (truncated.length > 0) {
    const earliest = await firstRecordTimes(kafka, topic, truncated.map((t) => ({ partition: t.partition, start: BigInt(t.offset), end: BigInt(t.offset) + 1n })));
    const latest = Math.max(...earliest);
    if (latest > window.from.getTime()) throw new ReplayWindowExpiredError(topic, window.from, new Date(latest));
  }
  const ranges = windowRanges(starts, ends);
  return { ranges, total: totalOffsets(ranges) };
}

/** The append time of the first record of each range. */
async function firstRecordTimes(kafka: Kafka, topic: string, ranges: PartitionRange[]): Promise<number[]> {
  const times: number[] = [];
  await readRanges({
    kafka,
    topic,
    ranges,
    stallMs: 30_000,
    onRecords: async (_partition, records) => {
      const first = records[0];
      if (first) times.push(Number(first.timestamp));
    },
  });
  return times;
}
