import type { Admin, Consumer, EachBatchPayload, Kafka, KafkaMessage, Message, Producer, Transaction } from 'kafkajs';
import type { Logger } from '@herald/logger';
import { cachedKeyPartitioner } from './partitioner.js';
import { drainBeforeRebalance } from './kafkajs-patches.js';
import { fencedCause } from './fenced.js';
import { StaleBatchError, TransactionGroup } from './transaction-group.js';

/** Messages to produce for one consumed batch. */
export type TopicMessages = { topic: string; messages: Message[] };

export interface TransactionalPipeOptions {
  kafka: Kafka;
  groupId: string;
  topic: string;
  /**
   * Stable per instance (not random): a restarted instance with the same id fences its dead
   * predecessor and aborts its open transaction at once, so read_committed readers never wait.
   */
  transactionalId: string;
  /** Maps one partition's batch to output messages. Throwing aborts the transaction and retries. */
  transform: (messages: KafkaMessage[], source: { topic: string; partition: number }) => Promise<TopicMessages[]> | TopicMessages[];
  logger: Logger;
  sessionTimeoutMs?: number;
  /** Batches (partitions) of one fetch processed at once, and so committed in one transaction. Default 12. */
  partitionsConcurrently?: number;
  /** Longest wait for the rest of a fetch's batches before a transaction commits. Default 10 ms. */
  lingerMs?: number;
  /** Output messages past which a transaction commits without waiting for the rest. Default 10,000. */
  maxMessagesPerTransaction?: number;
  /** Called when the consumer has crashed for good (kafkajs will not restart it): exit and let the orchestrator restart. */
  onFatal: (err: Error) => void;
  /** Called after each committed transaction (metrics). */
  /** After each committed transaction; `messages` are the consumed ones whose output it committed. */
  onCommit?: (info: { topic: string; partition: number; consumed: number; produced: number; lastOffset: string; messages: readonly KafkaMessage[] }) => void;
}

export interface TransactionalPipe {
  start(): Promise<void>;
  stop(): Promise<void>;
  readonly consumer: Consumer;
  /** The transactional producer in use (replaced after a transaction it could not end). */
  readonly producer: Producer;
}

// Keeps each produce request under the broker's default 1 MB record-batch limit.
const MAX_REQUEST_BYTES = 512 * 1024;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * Consume → transform → produce with exactly-once semantics: the batches of one fetch (every
 * partition with data, processed concurrently) are committed together, their outputs and consumer
 * offsets in one Kafka transaction (TransactionGroup). A crash before commit aborts it all, and the
 * batches are consumed again by whoever owns their partitions next.
 */
export function createTransactionalPipe(opts: TransactionalPipeOptions): TransactionalPipe {
  const { kafka, groupId, topic, transactionalId, transform, logger } = opts;
  const consumer = kafka.consumer({
    groupId,
    sessionTimeout: opts.sessionTimeoutMs ?? 10_000,
    // kafkajs's default: one request fewer per second at rest; rebalances are announced in the
    // heartbeat answer, so this bounds how late a member joins one.
    heartbeatInterval: 3_000,
    readUncommitted: false,
    // A long-poll that returns as soon as events arrive, so it bounds idle wake-ups, not latency;
    // stop() and a rebalance wait for the fetch in flight, hence not longer.
    maxWaitTimeInMs: 1_000,
    maxBytesPerPartition: MAX_REQUEST_BYTES,
    partitionAssigners: [drainBeforeRebalance(() => drain())],
  });
  consumer.on(consumer.events.CRASH, ({ payload }) => {
    if (!payload.restart) opts.onFatal(payload.error);
  });
  const newProducer = (): Producer =>
    kafka.producer({
      transactionalId,
      idempotent: true,
      maxInFlightRequests: 1,
      allowAutoTopicCreation: false,
      transactionTimeout: 30_000,
      createPartitioner: cachedKeyPartitioner,
      // Right after a commit the coordinator is still writing its markers, and the next
      // transaction's AddPartitionsToTxn is answered CONCURRENT_TRANSACTIONS; kafkajs retries it
      // with the client's back-off (100 ms first), which was the router's p99 at low rates. As the
      // Java producer does for this case, retry after ~10 ms; the sum of the back-offs (~20 s)
      // still rides through a coordinator move.
      retry: { initialRetryTime: 10, maxRetryTime: 5_000, retries: 12 },
    });
  let producer = newProducer();

  /**
   * Connects a producer and has the coordinator complete whatever its transactional id left open (a
   * dead predecessor's transaction, or one whose EndTxn got no answer): kafkajs asks for a producer
   * id (InitProducerId) only at its first transaction, and that call is answered once the previous
   * transaction is committed or aborted for good. Until then, offsets read from the group could be
   * the ones before a commit that is still being completed.
   */
  async function connectSettled(p: Producer): Promise<void> {
    await p.connect();
    await (await p.transaction()).abort();
  }

  // After a failed commit the producer is replaced, always: kafkajs may leave it in ABORTING (or
  // COMMITTING, from which abort() is refused) for good, and whether the transaction took effect is
  // unknown (EndTxn may have reached the coordinator before the connection closed). The new
  // producer, with the same transactional id, fences the old epoch, and connectSettled waits until
  // the coordinator has completed the old transaction. `unsettled` holds until that succeeded.
  let unsettled = false;
  let fenced: unknown;
  async function replaceProducer(): Promise<void> {
    const old = producer;
    await old.disconnect().catch((err: unknown) => logger.warn({ err }, 'disconnecting the old transactional producer failed'));
    const next = newProducer();
    try {
      await connectSettled(next);
    } catch (err) {
      // The coordinator is still unreachable: batches fail and are consumed again; try again then.
      await next.disconnect().catch(() => undefined);
      throw err;
    }
    producer = next;
    unsettled = false;
    logger.info({ transactionalId }, 'transactional producer replaced');
  }

  interface Joined {
    outputs: TopicMessages[];
    offset: { topic: string; partition: number; offset: string };
  }

  /** One transaction for a group of batches: all their outputs, and one sendOffsets for all of them. */
  async function commitGroup(members: Joined[]): Promise<void> {
    if (unsettled) await replaceProducer();
    const tx = await producer.transaction();
    try {
      for (const chunk of chunks(members.flatMap((m) => m.outputs))) await tx.sendBatch({ topicMessages: chunk, acks: -1 });
      const byTopic = new Map<string, { partition: number; offset: string }[]>();
      for (const { offset: o } of members) {
        let list = byTopic.get(o.topic);
        if (!list) byTopic.set(o.topic, (list = []));
        list.push({ partition: o.partition, offset: o.offset });
      }
      await sendOffsetsWithRetry(tx, { consumerGroupId: groupId, topics: [...byTopic].map(([t, partitions]) => ({ topic: t, partitions })) });
      await tx.commit();
    } catch (err) {
      logger.warn({ err, partitions: members.map((m) => `${m.offset.topic}:${m.offset.partition}`) }, 'transaction failed, aborting');
      // Fenced: another producer owns the transactional id now. Settling would fence it in turn (two
      // instances taking the id from each other); this pipe stops for good instead (kafkajs does not
      // restart a consumer for a non-retriable error) and its successor carries on.
      if (fencedCause(err)) fenced = err;
      unsettled = true;
      await tx.abort().catch((abortErr: unknown) => logger.warn({ err: abortErr }, 'abort failed (the coordinator completes or aborts it)'));
      throw err;
    }
  }

  const group = new TransactionGroup<Joined>({ commit: commitGroup, lingerMs: opts.lingerMs ?? 10, maxSize: opts.maxMessagesPerTransaction ?? 10_000 });

  // Pipelining: a batch that joined the open group does not wait for its transaction. Its offset is
  // resolved at once, so kafkajs fetches and transforms the next round while this one commits. What
  // that costs, and how exactly-once is kept:
  // - `uncommitted` holds, per partition, the first offset of every batch begun and not yet committed;
  // - a transaction that aborts rewinds: the open group is dropped (never written), batches still
  //   being transformed are dropped when they join (their epoch is over), the failed transaction is
  //   settled (settle()) and every partition with uncommitted batches is sought to the group's
  //   committed offset, then the error is thrown by the next batch (kafkajs retries, then restarts
  //   the consumer, as for any batch error);
  // - before the consumer joins its group again (a rebalance, a restart) or leaves it, the open group
  //   is committed and awaited (drainBeforeRebalance), while the partitions are still its own.
  const uncommitted = new Map<string, { topic: string; partition: number; offsets: bigint[] }>();
  let epoch = 0;
  let failure: unknown;
  const tp = (topic: string, partition: number) => `${topic}\u0000${partition}`;

  let rewinding: Promise<void> | undefined;
  /** Partitions to seek back once the failed transaction is settled, with their first uncommitted offset. */
  let toSeek: { topic: string; partition: number; first: bigint }[] = [];
  function rewind(err: unknown, memberEpoch: number): void {
    if (memberEpoch !== epoch) return; // already rewound for this failure
    epoch++;
    failure = err;
    group.dropOpen(err);
    for (const { topic: t, partition, offsets } of uncommitted.values()) if (offsets[0] !== undefined) toSeek.push({ topic: t, partition, first: offsets[0] });
    uncommitted.clear();
    if (fenced !== undefined) {
      // Nothing will commit again; the batches come back so that the next one throws the fence
      // (kafkajs then stops the consumer for good), also when nothing else arrives.
      for (const { topic: t, partition, first } of toSeek) consumer.seek({ topic: t, partition, offset: first.toString() });
      toSeek = [];
      return;
    }
    settle();
  }

  /**
   * Where to start again is where the group's committed offsets are once the failed transaction is
   * settled (it may have committed after all), not where this process thinks it was: every batch
   * waits for this, and one that finds it failed (the coordinator still unreachable) throws and
   * starts another attempt.
   */
  function settle(): void {
    if (fenced !== undefined) return;
    rewinding ??= (async () => {
      if (unsettled) await replaceProducer();
      const committed = await committedOffsets(toSeek.map((p) => p.topic));
      for (const { topic: t, partition, first } of toSeek) {
        const at = committed.get(tp(t, partition));
        consumer.seek({ topic: t, partition, offset: (at !== undefined && at >= 0n ? at : first).toString() });
      }
      toSeek = [];
    })()
      .catch((err: unknown) => logger.warn({ err }, 'the failed transaction could not be settled yet'))
      .finally(() => (rewinding = undefined));
  }

  let admin: Admin | undefined;
  /** The group's committed offsets of `topics` (−1 = none), by topic and partition. */
  async function committedOffsets(topics: string[]): Promise<Map<string, bigint>> {
    const out = new Map<string, bigint>();
    if (topics.length === 0) return out;
    if (!admin) {
      admin = kafka.admin();
      await admin.connect();
    }
    for (const { topic: t, partitions } of await admin.fetchOffsets({ groupId, topics: [...new Set(topics)] })) {
      for (const p of partitions) out.set(tp(t, p.partition), BigInt(p.offset));
    }
    return out;
  }

  /** Before a join or a leave: nothing is being transformed; what joined commits (or aborts) now. */
  async function drain(): Promise<void> {
    await group.flush();
    if (rewinding) await rewinding;
    if (fenced !== undefined) throw fenced;
    // The offsets the join reads must not precede a commit still being completed: settle first
    // (throwing while the coordinator is unreachable fails the join, and kafkajs tries again).
    if (unsettled) await replaceProducer();
    // The group is joined afresh: fetching starts again from the committed offsets.
    toSeek = [];
    epoch++;
    failure = undefined;
    uncommitted.clear();
  }

  async function eachBatch({ batch, resolveOffset, heartbeat, isRunning, isStale }: EachBatchPayload): Promise<void> {
    if (fenced !== undefined) throw fenced;
    if (unsettled || toSeek.length > 0) settle();
    if (rewinding) await rewinding;
    if (unsettled || toSeek.length > 0) throw failure ?? new Error('the previous transaction is not settled yet');
    if (failure !== undefined) {
      const err = failure;
      failure = undefined;
      throw err;
    }
    if (batch.messages.length === 0 || !isRunning() || isStale()) return;
    const source = { topic: batch.topic, partition: batch.partition };
    const key = tp(source.topic, source.partition);
    const first = BigInt(batch.firstOffset() ?? batch.messages[0]!.offset);
    const myEpoch = epoch;
    let entry = uncommitted.get(key);
    if (!entry) uncommitted.set(key, (entry = { ...source, offsets: [] }));
    entry.offsets.push(first);
    const forget = () => {
      const current = uncommitted.get(key);
      const i = current?.offsets.indexOf(first) ?? -1;
      if (current && i >= 0) current.offsets.splice(i, 1);
    };
    group.begin();
    let outputs: TopicMessages[];
    try {
      outputs = await transform(batch.messages, source);
    } catch (err) {
      forget();
      group.leave();
      throw err;
    }
    if (myEpoch !== epoch || isStale()) {
      // A transaction aborted while this batch was transformed: it is consumed again from the rewind.
      group.leave();
      return;
    }
    const produced = outputs.reduce((n, o) => n + o.messages.length, 0);
    const offset = { ...source, offset: (BigInt(batch.lastOffset()) + 1n).toString() };
    const { messages } = batch;
    const lastOffset = batch.lastOffset();
    group.join({ outputs, offset }, produced, isStale).then(
      () => {
        forget();
        opts.onCommit?.({ ...source, consumed: messages.length, produced, lastOffset, messages });
      },
      (err: unknown) => {
        // Revoked before its group committed: nothing of it was written; its next owner consumes it.
        if (err instanceof StaleBatchError) return forget();
        rewind(err, myEpoch);
      },
    );
    resolveOffset(lastOffset);
    await group.room();
    await heartbeat();
  }

  return {
    consumer,
    get producer() {
      return producer;
    },
    async start() {
      await connectSettled(producer);
      await consumer.connect();
      await consumer.subscribe({ topic, fromBeginning: true });
      // Every partition of a fetch at once, so that its batches share one transaction.
      await consumer.run({ autoCommit: false, eachBatchAutoResolve: false, partitionsConsumedConcurrently: opts.partitionsConcurrently ?? 12, eachBatch });
    },
    async stop() {
      // disconnect() waits for the batches in flight and drains before leaving the group, so the open
      // transaction completes or aborts first; drained again for a consumer that had crashed.
      await consumer.disconnect();
      await group.flush();
      if (rewinding) await rewinding;
      await producer.disconnect();
      await admin?.disconnect();
    },
  };
}

// kafkajs does not retry CONCURRENT_TRANSACTIONS on AddOffsetsToTxn (kafkajs #430, #1068): the
// coordinator is still completing the previous commit, so retry briefly.
async function sendOffsetsWithRetry(tx: Transaction, offsets: Parameters<Transaction['sendOffsets']>[0]): Promise<void> {
  for (let attempt = 0; ; attempt++) {
    try {
      await tx.sendOffsets(offsets);
      return;
    } catch (err) {
      const type = (err as { type?: string }).type;
      if (type !== 'CONCURRENT_TRANSACTIONS' || attempt >= 20) throw err;
      await sleep(Math.min(20 * 2 ** attempt, 500));
    }
  }
}

/** Splits outputs into produce requests of at most MAX_REQUEST_BYTES of keys and values. */
function* chunks(outputs: TopicMessages[]): Generator<TopicMessages[]> {
  let current = new Map<string, Message[]>();
  let bytes = 0;
  for (const { topic, messages } of outputs) {
    for (const m of messages) {
      const size = sizeOf(m.key) + sizeOf(m.value) + 64;
      if (bytes + size > MAX_REQUEST_BYTES && bytes > 0) {
        yield [...current].map(([t, ms]) => ({ topic: t, messages: ms }));
        current = new Map();
        bytes = 0;
      }
      let list = current.get(topic);
      if (!list) current.set(topic, (list = []));
      list.push(m);
      bytes += size;
    }
  }
  if (bytes > 0) yield [...current].map(([t, ms]) => ({ topic: t, messages: ms }));
}

function sizeOf(v: Message['key'] | Message['value']): number {
  return v == null ? 0 : typeof v === 'string' ? Buffer.byteLength(v) : v.length;
}
