import { randomUUID } from 'node:crypto';
import { HeraldError } from '@herald/errors';
import type { Kafka, KafkaMessage } from '@herald/kafka';
import type { PartitionRange } from './replay-window.js';

export interface ReadRangesOptions {
  kafka: Kafka;
  topic: string;
  ranges: readonly PartitionRange[];
  /** Gets each partition's records of its range, in order; the next fetch waits for it. */
  onRecords(partition: number, records: KafkaMessage[], heartbeat: () => Promise<void>): Promise<void>;
  /** Stops reading (the promise resolves with `stopped: true`). */
  signal?: AbortSignal | undefined;
  /** Fails when no partition moved for this long (default 60 s). */
  stallMs?: number | undefined;
  /** Largest fetch per partition (default 1 MiB). */
  maxBytesPerPartition?: number | undefined;
}

/**
 * Reads the given offset ranges of a topic once, with a consumer of its own: a throwaway group
 * (never the router's), positioned by seek, that commits nothing and is deleted afterwards, so the
 * live consumers' groups and offsets are untouched. Transaction markers and aborted records count
 * as read (kafkajs reports a batch of only those through its END_BATCH_PROCESS event alone).
 */
export async function readRanges(o: ReadRangesOptions): Promise<{ stopped: boolean }> {
  const pending = new Map(o.ranges.filter((r) => r.end > r.start).map((r) => [r.partition, r]));
  if (pending.size === 0 || o.signal?.aborted) return { stopped: o.signal?.aborted === true };
  const groupId = `herald-replay-${randomUUID()}`;
  const consumer = o.kafka.consumer({
    groupId,
    maxWaitTimeInMs: 250,
    readUncommitted: false,
    allowAutoTopicCreation: false,
    maxBytesPerPartition: o.maxBytesPerPartition ?? 1_048_576,
  });
  /** Per partition, the next offset to hand on. */
  const next = new Map<number, bigint>();
  let lastMove = Date.now();
  let settle!: (stopped: boolean) => void;
  let fail!: (err: unknown) => void;
  const finished = new Promise<boolean>((resolve, reject) => {
    settle = resolve;
    fail = reject;
  });
  const advance = (partition: number, next: bigint): void => {
    const r = pending.get(partition);
    if (!r) return;
    lastMove = Date.now();
    if (next >= r.end) {
      pending.delete(partition);
      consumer.pause([{ topic: o.topic, partitions: [partition] }]);
      if (pending.size === 0) settle(false);
    }
  };
  const onAbort = () => settle(true);
  o.signal?.addEventListener('abort', onAbort, { once: true });
  const stallMs = o.stallMs ?? 60_000;
  const stall = setInterval(() => {
    if (Date.now() - lastMove > stallMs) fail(new HeraldError('REPLAY_STALLED', `no progress reading ${o.topic} for ${stallMs} ms`, { retriable: true }));
  }, Math.min(5_000, stallMs));
  try {
    await consumer.connect();
    // A batch of only transaction markers or aborted records never reaches eachBatch: only this event tells.
    consumer.on(consumer.events.END_BATCH_PROCESS, (e) => {
      const { partition, lastOffset, batchSize } = e.payload as { partition: number; lastOffset: string; batchSize: number };
      if (batchSize === 0) advance(partition, BigInt(lastOffset) + 1n);
    });
    consumer.on(consumer.events.CRASH, (e) => fail((e.payload as { error: unknown }).error));
    await consumer.subscribe({ topic: o.topic, fromBeginning: true });
    await consumer.run({
      autoCommit: false,
      eachBatch: async ({ batch, heartbeat, isRunning, isStale }) => {
        const r = pending.get(batch.partition);
        if (!r || o.signal?.aborted || !isRunning() || isStale()) return;
        // A fetch made before the seek took effect can start below the range, or overlap what was
        // read: each offset is handed on once, in order.
        const from = next.get(batch.partition) ?? r.start;
        const records = batch.messages.filter((m) => {
          const offset = BigInt(m.offset);
          return offset >= from && offset < r.end;
        });
        if (records.length > 0) await o.onRecords(batch.partition, records, heartbeat);
        // Past the batch's transaction markers too, which are not among its messages.
        const after = BigInt(batch.lastOffset()) + 1n;
        next.set(batch.partition, after > from ? after : from);
        advance(batch.partition, after);
      },
    });
    for (const r of pending.values()) consumer.seek({ topic: o.topic, partition: r.partition, offset: r.start.toString() });
    // Partitions outside the ranges are never fetched.
    const others = (await partitionsOf(o.kafka, o.topic)).filter((p) => !pending.has(p));
    if (others.length > 0) consumer.pause([{ topic: o.topic, partitions: others }]);
    return { stopped: await finished };
  } finally {
    clearInterval(stall);
    o.signal?.removeEventListener('abort', onAbort);
    await consumer.disconnect().catch(() => undefined);
    const admin = o.kafka.admin();
    await admin
      .connect()
      .then(() => admin.deleteGroups([groupId]))
      .catch(() => undefined)
      .finally(() => admin.disconnect().catch(() => undefined));
  }
}

async function partitionsOf(kafka: Kafka, topic: string): Promise<number[]> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    return (await admin.fetchTopicOffsets(topic)).map((p) => p.partition);
  } finally {
    await admin.disconnect();
  }
}
