import type { RepositoryEvent } from '@herald/events';
import type { Kafka, KafkaMessage, Message, Producer } from '@herald/kafka';
import type { Logger } from '@herald/logger';
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
  /** Encodes one event (Avro with the registered schema). */
  encode: (event: RepositoryEvent) => Buffer;
  sessionTimeoutMs?: number;
  /** The coalescer cannot go on (a transaction failed): exit and let the orchestrator restart it. */
  onFatal: (err: Error) => void;
  onRecord?: (outcome: AddOutcome | 'unreadable') => void;
  onCommit?: (events: readonly RepositoryEvent[]) => void;
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

/**
 * Consumes the ingest topic and coalesces each repository's tag pushes into one `repo_push` per
 * window (PartitionWindows). Every output is written in a Kafka transaction together with the
 * consumer offsets (and their metadata) it completes, so a crash at any point re-consumes exactly
 * the records whose events were not committed. Transactions run one at a time: after a batch, and
 * when the earliest window is due.
 */
export function createCoalescer(opts: CoalescerOptions): Coalescer {
  const { kafka, logger, topic, groupId } = opts;
  const consumer = kafka.consumer({ groupId, sessionTimeout: opts.sessionTimeoutMs ?? 10_000, heartbeatInterval: 3_000, readUncommitted: false, maxWaitTimeInMs: 1_000 });
  const admin = kafka.admin();
  const producer: Producer = kafka.producer({ transactionalId: opts.transactionalId, idempotent: true, maxInFlightRequests: 1, allowAutoTopicCreation: false, transactionTimeout: 30_000 });
  const states = new Map<number, PartitionWindows>();
  const committed = new Map<number, string>();
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

  // After a rebalance, kafkajs fetches again from the committed offsets: the windows are rebuilt from there.
  const forget = () => {
    states.clear();
    committed.clear();
  };
  consumer.on(consumer.events.REBALANCING, forget);
  consumer.on(consumer.events.GROUP_JOIN, forget);
  consumer.on(consumer.events.CRASH, ({ payload }) => {
    if (!payload.restart) opts.onFatal(payload.error);
  });

  async function load(partition: number): Promise<PartitionWindows> {
    const [t] = await admin.fetchOffsets({ groupId, topics: [topic] });
    const p = t?.partitions.find((x) => x.partition === partition) as { offset: string; metadata?: string | null } | undefined;
    const offset = p && BigInt(p.offset) >= 0n ? BigInt(p.offset) : 0n;
    const state = new PartitionWindows(offset, decodeOffsets(p?.metadata), opts.limits);
    states.set(partition, state);
    committed.set(partition, `${offset}|${p?.metadata ?? ''}`);
    return state;
  }

  async function flush(all: boolean): Promise<void> {
    const now = Date.now();
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
    if (events.length > 0 || offsets.length > 0) {
      const messages: Message[] = events.map((e) => ({ key: e.repository, value: opts.encode(e) }));
      const tx = await producer.transaction();
      try {
        if (messages.length > 0) await tx.send({ topic: opts.outputTopic, messages, acks: -1 });
        if (offsets.length > 0) await tx.sendOffsets({ consumerGroupId: groupId, topics: [{ topic, partitions: offsets }] } as Parameters<typeof tx.sendOffsets>[0]);
        await tx.commit();
      } catch (err) {
        await tx.abort().catch(() => undefined);
        throw err;
      }
      for (const o of offsets) committed.set(o.partition, `${o.offset}|${o.metadata}`);
      if (events.length > 0) opts.onCommit?.(events);
    }
    schedule();
  }

  function schedule(): void {
    let at = Infinity;
    for (const s of states.values()) at = Math.min(at, s.nextDeadline() ?? Infinity);
    if (at === timerAt || !running) return;
    if (timer) clearTimeout(timer);
    timer = undefined;
    timerAt = at;
    if (at === Infinity) return;
    timer = setTimeout(() => {
      timer = undefined;
      timerAt = Infinity;
      void serial(() => flush(false)).catch(fatal);
    }, Math.max(0, at - Date.now()));
  }

  function fatal(err: unknown): void {
    if (failed) return;
    failed = true;
    running = false;
    logger.error({ err }, 'coalescer transaction failed');
    opts.onFatal(err as Error);
  }

  async function consume(partition: number, messages: KafkaMessage[]): Promise<void> {
    const state = states.get(partition) ?? (await load(partition));
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
    await flush(false);
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
      await consumer.connect();
      await consumer.subscribe({ topic, fromBeginning: true });
      running = true;
      await consumer.run({
        autoCommit: false,
        eachBatchAutoResolve: false,
        eachBatch: async ({ batch, resolveOffset, heartbeat, isRunning, isStale }) => {
          if (batch.messages.length === 0 || !isRunning() || isStale() || failed) return;
          try {
            await serial(() => consume(batch.partition, batch.messages));
          } catch (err) {
            fatal(err);
            throw err;
          }
          // Only the fetch position moves: offsets are committed by the transactions.
          resolveOffset(batch.lastOffset());
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
