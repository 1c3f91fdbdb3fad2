import { SUBJECTS, DELIVERY_JOB_SCHEMA, type SchemaRegistryCodec } from '@herald/events';
import { HEADERS, TOPICS, type Kafka, type KafkaMessage, type Message } from '@herald/kafka';
import type { Logger } from '@herald/logger';
import { SubscriptionIndex, type Subscription } from '@herald/subscriptions';
import { routeBatch, type RouteBatchMetrics } from './route-batch.js';
import { readRanges } from './replay-reader.js';
import type { PartitionRange } from './replay-window.js';

/** A replay's counts, as its progress shows them. */
export interface ReplayCounts {
  /** Events read from the window. */
  scanned: number;
  /** Of those, the ones the notification's filters let through (one job each). */
  matched: number;
  /** Jobs the broker acknowledged. */
  produced: number;
  /** Offsets of the window passed, out of `total` (transaction markers included). */
  done: number;
}

export interface ReplayRunOptions {
  kafka: Kafka;
  codec: SchemaRegistryCodec;
  /** The notification as it is now: its scope and filters apply; `disabled` and failures do not. */
  subscription: Subscription;
  topic: string;
  ranges: readonly PartitionRange[];
  /** Its id: the value of the `herald-replayed` header on each job. */
  replayId: string;
  /** Events read per second at most. */
  maxEventsPerSecond: number;
  /**
   * Called about once a second and at the end with the counts so far; answering false stops the
   * replay (cancelled, or taken over).
   */
  onProgress(counts: ReplayCounts): Promise<boolean>;
  signal?: AbortSignal | undefined;
  logger?: Logger | undefined;
  progressIntervalMs?: number | undefined;
}

const NO_COUNT = { inc: () => undefined };
/** Events routed and sent together: at most 500, and a tenth of a second's worth, so a slow rate is not one burst. */
const chunkSize = (perSecond: number): number => Math.max(1, Math.min(500, Math.floor(perSecond / 10)));

/**
 * Replays a window of `repository-events` for one notification: each event in `ranges` goes through
 * the router's own `routeBatch` with a view that holds only this notification, enabled, so the jobs
 * are what the router makes — same filters and scope, same `delivery_id` (derived from the event id
 * and the notification uuid), same encoding — plus the `herald-replayed` header. Undecodable events
 * are skipped (the router dead-lettered them when they arrived). Reading is throttled to
 * `maxEventsPerSecond`; jobs go out through an idempotent producer, acknowledged by all replicas.
 * Resolves with the final counts and whether it ran to the end.
 */
export async function runReplay(o: ReplayRunOptions): Promise<{ counts: ReplayCounts; completed: boolean }> {
  const view = new SubscriptionIndex();
  view.upsert({ ...o.subscription, disabled: false, number_of_failures: 0 });
  const counts: ReplayCounts = { scanned: 0, matched: 0, produced: 0, done: 0 };
  const startOf = new Map(o.ranges.map((r) => [r.partition, r.start]));
  const passed = new Map<number, bigint>();
  const metrics: RouteBatchMetrics = {
    eventsIn: NO_COUNT,
    jobsOut: { inc: (_labels, n = 1) => void (counts.matched += n) },
    filtered: NO_COUNT,
    skippedDisabled: NO_COUNT,
    deadLettered: NO_COUNT,
  };
  await o.codec.register(SUBJECTS.jobs(o.subscription.method), DELIVERY_JOB_SCHEMA);
  const producer = o.kafka.producer({ idempotent: true, maxInFlightRequests: 1, allowAutoTopicCreation: false });
  await producer.connect();
  const stop = new AbortController();
  const abort = () => stop.abort();
  o.signal?.addEventListener('abort', abort, { once: true });
  if (o.signal?.aborted) stop.abort();
  const began = Date.now();
  let reported = began;
  const report = async (): Promise<void> => {
    counts.done = [...passed].reduce((n, [p, next]) => n + Number(next - (startOf.get(p) ?? next)), 0);
    if (!(await o.onProgress({ ...counts }))) stop.abort();
  };
  try {
    const { stopped } = await readRanges({
      kafka: o.kafka,
      topic: o.topic,
      ranges: o.ranges,
      signal: stop.signal,
      onRecords: async (partition, records, heartbeat) => {
        const size = chunkSize(o.maxEventsPerSecond);
        for (let i = 0; i < records.length && !stop.signal.aborted; i += size) {
          const chunk = records.slice(i, i + size);
          await replayChunk(chunk, partition);
          counts.scanned += chunk.length;
          passed.set(partition, BigInt((chunk[chunk.length - 1] as KafkaMessage).offset) + 1n);
          const due = began + (counts.scanned * 1000) / o.maxEventsPerSecond;
          if (due > Date.now()) await new Promise((resolve) => setTimeout(resolve, due - Date.now()));
          await heartbeat();
          if (Date.now() - reported >= (o.progressIntervalMs ?? 1_000)) {
            reported = Date.now();
            await report();
          }
        }
      },
    });
    if (!stopped) for (const r of o.ranges) passed.set(r.partition, r.end);
    await report();
    o.logger?.info({ replayId: o.replayId, notificationUuid: o.subscription.uuid, ...counts, completed: !stopped }, 'replay finished');
    return { counts: { ...counts }, completed: !stopped };
  } finally {
    o.signal?.removeEventListener('abort', abort);
    await producer.disconnect().catch(() => undefined);
  }

  async function replayChunk(chunk: KafkaMessage[], partition: number): Promise<void> {
    const out = await routeBatch(chunk, { topic: o.topic, partition }, { codec: o.codec, view, metrics });
    const topicMessages = out
      .filter((t) => t.topic !== TOPICS.repositoryEventsDlq)
      .map((t) => ({ topic: t.topic, messages: t.messages.map((m): Message => ({ ...m, headers: { ...m.headers, [HEADERS.replayed]: o.replayId } })) }));
    const jobs = topicMessages.reduce((n, t) => n + t.messages.length, 0);
    if (jobs === 0) return;
    await producer.sendBatch({ topicMessages, acks: -1 });
    counts.produced += jobs;
  }
}
