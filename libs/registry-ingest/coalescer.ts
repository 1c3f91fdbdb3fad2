import type { RepositoryEvent } from '@herald/events';
import type { Kafka, KafkaMessage, Message, Producer } from '@herald/kafka';
import type { Logger } from '@herald/logger';
import type { Tracer } from '@herald/observability';
import { endSendSpans, startSendSpans } from '@herald/producer';
import { decodeOffsets, PartitionWindows, type AddOutcome, type CoalescerLimits } from './partition-windows.js';
import { decodeRawRecord } from './raw-record.js';

export interface CoalescerOptions {
  kafka: Kafka;
  logger: Logger;
  groupId: string;
  /** The ingest topic (raw records keyed by repository). */
  topic: string;
  /** The topic the events go to (repository-events). */
  outputTopic: string;
  /** Stable per instance: a restarted instance fences its predecessor's open transaction. */
  transactionalId: string;
  limits: CoalescerLimits;
  /**
   * When a partition is (re)loaded, the records accepted this long before its commit point are read
   * again for their source ids only, so a registry's retry of an event already emitted before a
   * restart or rebalance is still dropped.
   */
  dedupeHorizonMs: number;
  /** Encodes one event (Avro with the registered schema). */
  encode: (event: RepositoryEvent) => Buffer;
  sessionTimeoutMs?: number;
  /** The coalescer cannot go on (a transaction failed): exit and let the orchestrator restart it. */
  onFatal: (err: Error) => void;
  onRecord?: (outcome: AddOutcome | 'unreadable') => void;
  onCommit?: (events: readonly RepositoryEvent[]) => void;
  /**
   * With tracing on: each event published is a PRODUCER span (a new trace; the registry's requests
   * were many and are not its parent) and carries its `traceparent` to the router.
   */
  tracer?: Tracer | undefined;
}

export interface Coalescer {
  start(): Promise<void>;
  /** Closes every open window (committing their events), then disconnects. */
  stop(): Promise<void>;
  readonly consuming: boolean;
  /** Repositories with a window open, over this member's partitions. */
  openWindows(): number;
}

// Kafka's default offset.metadata.max.bytes is 4096: past this, a partition's windows are closed early.
const MAX_METADATA_CHARS = 3_000;
// A new group starts at the records from this long before it was seen without commits (clock skew
// between replicas starting together; see commitStartOffsets).
const START_MARGIN_MS = 1_000;

/**
 * Consumes the ingest topic and coalesces each repository's tag pushes into one `repo_push` per
 * window (PartitionWindows). Every output is written in a Kafka transaction together with the
 * consumer offsets (and their metadata) it completes, so a crash at any point re-consumes exactly
 * the records whose events were not committed. Transactions run one at a time: after a batch, and
 * when the earliest window is due.
 */
export function createCoalescer(opts: CoalescerOptions): Coalescer {
  const { kafka, logger, topic, groupId } = opts;
  // Under load, a fetch per produce request of the edge costs more (here and at the broker) than
  // the records in it: a fetch waits for up to 1 MiB, at most a tenth of the window (10-100 ms). A
  // window's deadline comes from its first record's timestamp, so this delays no window's close.
  const fetchWaitMs = Math.max(10, Math.min(100, Math.floor(opts.limits.windowMs / 10)));
  const consumer = kafka.consumer({ groupId, sessionTimeout: opts.sessionTimeoutMs ?? 10_000, heartbeatInterval: 3_000, readUncommitted: false, minBytes: 1024 * 1024, maxWaitTimeInMs: fetchWaitMs });
  const admin = kafka.admin();
  const producer: Producer = kafka.producer({ transactionalId: opts.transactionalId, idempotent: true, maxInFlightRequests: 1, allowAutoTopicCreation: false, transactionTimeout: 30_000 });
  const states = new Map<number, PartitionWindows>();
  // At most a tenth of the window early, so that windows opened together close in one transaction.
  const closeAheadMs = Math.min(100, Math.floor(opts.limits.windowMs / 10));
  const committed = new Map<number, string>();
  // Partitions sent back (seek) to read ids before their commit point: batches from further on,
  // fetched before the seek took effect, are not consumed until the read-back starts.
  const replaying = new Map<number, { from: bigint; skipped: number }>();
  let chain: Promise<void> = Promise.resolve();
  let timer: NodeJS.Timeout | undefined;
  let timerAt = Infinity;
  let running = false;
  let failed = false;

  /** Runs `fn` after every earlier one: batches and window closes never interleave. */
  function serial(fn: () => Promise<void>): Promise<void> {
    const next = chain.then(fn);
    chain = next.catch(() => undefined);
    return next;
  }

  // Windows run on timers, outside kafkajs's eachBatch, so kafkajs would not wait for them before
  // rejoining: none is closed while the group rebalances. A partition kept across a rebalance keeps
  // its state (kafkajs consumes it again from the committed offset, which may not show a commit whose
  // markers are still being written: those records are before the state's position and ignored); a
  // partition lost is forgotten, and loaded again from its committed offset if it comes back.
  let rebalancing = false;
  consumer.on(consumer.events.REBALANCING, () => {
    rebalancing = true;
  });
  consumer.on(consumer.events.GROUP_JOIN, ({ payload }) => {
    rebalancing = false;
    const mine = new Set((payload.memberAssignment[topic] ?? []) as number[]);
    for (const p of [...states.keys()]) {
      if (!mine.has(p)) {
        states.delete(p);
        committed.delete(p);
        replaying.delete(p);
      }
    }
    schedule();
  });
  consumer.on(consumer.events.CRASH, ({ payload }) => {
    if (!payload.restart) opts.onFatal(payload.error);
  });

  /**
   * A group without committed offsets (a new deployment, a renamed group) starts where the ingest
   * topic is at this start, not at its beginning: from the beginning it would coalesce and publish
   * again every record retained (a week), events other groups emitted long ago. Nothing accepted is
   * skipped: the service accepts only after this, and what protects a crash is the group's committed
   * offsets, which every later start finds. The start offsets are committed (with the coalescer's
   * transactional producer, as every commit) rather than left to the consumer's reset policy, which
   * would apply again, to the then end of the topic, at a restart before the first commit: the
   * records accepted meanwhile would be lost. They are the offsets of the records from
   * START_MARGIN_MS before the group was seen without commits: two replicas of a new group starting
   * together may both commit, and the later one must not start past what the earlier one accepted.
   * A partition that gets no commit here (one added later) is read from its beginning
   * (subscribe's fromBeginning): all of it is newer than the group.
   */
  async function commitStartOffsets(): Promise<void> {
    const seenAt = Date.now();
    const [t] = await admin.fetchOffsets({ groupId, topics: [topic] });
    const missing = new Set((t?.partitions ?? []).filter((p) => BigInt(p.offset) < 0n).map((p) => p.partition));
    if (missing.size === 0) return;
    const from = seenAt - START_MARGIN_MS;
    const at = await admin.fetchTopicOffsetsByTimestamp(topic, from);
    const partitions = at.filter((x) => missing.has(x.partition)).map((x) => ({ partition: x.partition, offset: x.offset }));
    const tx = await producer.transaction();
    try {
      await tx.sendOffsets({ consumerGroupId: groupId, topics: [{ topic, partitions }] });
      await tx.commit();
    } catch (err) {
      await tx.abort().catch(() => undefined);
      throw err;
    }
    logger.info({ groupId, partitions: partitions.length, from: new Date(from).toISOString() }, 'new coalescer group starts at the ingest topic as it is now');
  }

  /** The state of a partition from its committed offset and metadata; and where to read from to rebuild its ids. */
  async function load(partition: number): Promise<{ state: PartitionWindows; replayFrom: bigint }> {
    const [t] = await admin.fetchOffsets({ groupId, topics: [topic] });
    const p = t?.partitions.find((x) => x.partition === partition) as { offset: string; metadata?: string | null } | undefined;
    const offset = p && BigInt(p.offset) >= 0n ? BigInt(p.offset) : 0n;
    const state = new PartitionWindows(offset, decodeOffsets(p?.metadata), opts.limits);
    states.set(partition, state);
    committed.set(partition, `${offset}|${p?.metadata ?? ''}`);
    const since = await admin.fetchTopicOffsetsByTimestamp(topic, Date.now() - opts.dedupeHorizonMs);
    const at = since.find((x) => x.partition === partition);
    const from = at && BigInt(at.offset) >= 0n ? BigInt(at.offset) : offset;
    const replayFrom = from < offset ? from : offset;
    logger.info({ partition, committed: offset.toString(), emittedPastCommit: p?.metadata ?? '', replayFrom: replayFrom.toString() }, 'coalescer partition loaded');
    return { state, replayFrom };
  }

  /**
   * Commits what is due: the events of closed windows (and ready events) with the offsets they
   * complete. `onlyWithEvents`: after a batch, a transaction only when there are events (commit
   * progress alone waits for the next one: re-consuming uncommitted records that produced nothing
   * produces nothing again). Windows due within CLOSE_AHEAD_MS close together, so windows opened
   * at nearly the same time share one transaction.
   */
  async function flush(all: boolean, onlyWithEvents = false): Promise<void> {
    const now = Date.now() + closeAheadMs;
    const events: RepositoryEvent[] = [];
    const offsets: { partition: number; offset: string; metadata: string }[] = [];
    for (const [partition, state] of states) {
      events.push(...state.take(now, all));
      let point = state.commitPoint();
      if (point.metadata.length > MAX_METADATA_CHARS) {
        events.push(...state.take(now, true));
        point = state.commitPoint();
      }
      const key = `${point.offset}|${point.metadata}`;
      if (committed.get(partition) !== key) offsets.push({ partition, offset: point.offset.toString(), metadata: point.metadata });
    }
    if (events.length > 0 || (offsets.length > 0 && !onlyWithEvents)) {
      const messages: Message[] = events.map((e) => ({ key: e.repository, value: opts.encode(e) }));
      const spans = opts.tracer && events.length > 0 ? startSendSpans(opts.tracer, opts.outputTopic, events, messages) : undefined;
      const tx = await producer.transaction();
      try {
        if (messages.length > 0) await tx.send({ topic: opts.outputTopic, messages, acks: -1 });
        if (offsets.length > 0) await tx.sendOffsets({ consumerGroupId: groupId, topics: [{ topic, partitions: offsets }] } as Parameters<typeof tx.sendOffsets>[0]);
        await tx.commit();
      } catch (err) {
        await tx.abort().catch(() => undefined);
        if (spans) endSendSpans(spans, err instanceof Error ? err : new Error(String(err)));
        throw err;
      }
      // A transaction's send does not say where each record landed: the spans end without offsets.
      if (spans) endSendSpans(spans, []);
      for (const o of offsets) committed.set(o.partition, `${o.offset}|${o.metadata}`);
      if (events.length > 0) opts.onCommit?.(events);
    }
    schedule();
  }

  function schedule(): void {
    let at = Infinity;
    for (const s of states.values()) at = Math.min(at, s.nextDeadline() ?? Infinity);
    if (at === timerAt || !running || rebalancing) return;
    if (timer) clearTimeout(timer);
    timer = undefined;
    timerAt = at;
    if (at === Infinity) return;
    timer = setTimeout(() => {
      timer = undefined;
      timerAt = Infinity;
      void serial(async () => {
        if (!rebalancing) await flush(false);
      }).catch(fatal);
    }, Math.max(0, at - Date.now()));
  }

  function fatal(err: unknown): void {
    if (failed) return;
    failed = true;
    running = false;
    logger.error({ err }, 'coalescer transaction failed');
    opts.onFatal(err as Error);
  }

  /** Adds a batch to its partition's state and commits what it completes; false when it seeked back instead. */
  async function consume(partition: number, messages: KafkaMessage[]): Promise<boolean> {
    const first = BigInt(messages[0]?.offset ?? '0');
    let state = states.get(partition);
    const replay = replaying.get(partition);
    if (state && replay !== undefined) {
      // Bounded: should the read-back never start at its offset, consume from where it is.
      if (first > replay.from && replay.skipped++ < 3) return false;
      replaying.delete(partition);
    }
    if (!state) {
      const loaded = await load(partition);
      state = loaded.state;
      if (loaded.replayFrom < first) {
        replaying.set(partition, { from: loaded.replayFrom, skipped: 0 });
        consumer.seek({ topic, partition, offset: loaded.replayFrom.toString() });
        return false;
      }
    }
    const now = Date.now();
    for (const m of messages) {
      const offset = BigInt(m.offset);
      let outcome: AddOutcome | 'unreadable';
      try {
        outcome = state.add(offset, decodeRawRecord(m.value), Number(m.timestamp), now);
      } catch (err) {
        logger.warn({ err, partition, offset: m.offset }, 'unreadable ingest record skipped');
        state.skip(offset);
        outcome = 'unreadable';
      }
      opts.onRecord?.(outcome);
    }
    await flush(false, true);
    return true;
  }

  return {
    get consuming() {
      return running && !failed;
    },
    openWindows() {
      let n = 0;
      for (const s of states.values()) n += s.openWindows;
      return n;
    },
    async start() {
      await admin.connect();
      await producer.connect();
      await commitStartOffsets();
      await consumer.connect();
      await consumer.subscribe({ topic, fromBeginning: true });
      running = true;
      await consumer.run({
        autoCommit: false,
        eachBatchAutoResolve: false,
        eachBatch: async ({ batch, resolveOffset, heartbeat, isRunning, isStale }) => {
          if (batch.messages.length === 0 || !isRunning() || isStale() || failed) return;
          let consumed = false;
          try {
            await serial(async () => {
              consumed = await consume(batch.partition, batch.messages);
            });
          } catch (err) {
            fatal(err);
            throw err;
          }
          // Only the fetch position moves: offsets are committed by the transactions.
          if (consumed) resolveOffset(batch.lastOffset());
          await heartbeat();
        },
      });
    },
    async stop() {
      const wasRunning = running;
      running = false;
      if (timer) clearTimeout(timer);
      // Close what is open while the partitions are still this member's, so a clean stop delays
      // nothing; a batch still in flight after it is committed by its own transaction or re-consumed.
      if (wasRunning && !failed) await serial(() => flush(true)).catch((err: unknown) => logger.warn({ err }, 'closing windows on stop failed; they are re-consumed at the next start'));
      await consumer.disconnect();
      await producer.disconnect();
      await admin.disconnect();
    },
  };
}
