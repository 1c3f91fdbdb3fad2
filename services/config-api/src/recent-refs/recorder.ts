import { DecodeError, HeraldError } from '@herald/errors';
import { REPOSITORY_EVENT_SCHEMA, type RepositoryEvent, type SchemaRegistryCodec } from '@herald/events';
import { TOPICS, type Consumer, type Kafka, type KafkaMessage } from '@herald/kafka';
import type { Logger } from '@herald/logger';
import type { RecentRefsStore } from '@herald/store';
import { buildRefsByRepository } from './build-refs.js';

/**
 * joining: connected, waiting for its partitions; running: in its group and consuming;
 * retrying: a batch could not be recorded (schema registry or MongoDB unreachable) and kafkajs
 * fetches it again with backoff; restarting: kafkajs restarts the consumer after an error; failed:
 * stopped by an error, a new consumer is made after `restartDelayMs`; stopped: by `stop()`.
 */
export type RecorderState = 'idle' | 'joining' | 'running' | 'retrying' | 'restarting' | 'failed' | 'stopped';

export interface RecorderStatus {
  state: RecorderState;
  /** The last consumer error, while not running. */
  reason?: string;
}

/** MongoDB writes in flight per batch. */
const WRITE_CONCURRENCY = 8;

export interface RecentRefsRecorderOptions {
  kafka: Kafka;
  codec: SchemaRegistryCodec;
  /** Read when a batch is applied (the store exists once MongoDB is connected). */
  store: () => RecentRefsStore;
  /** Shared by every config-api replica: each event is recorded once. */
  groupId: string;
  /** Where a new group starts: the oldest retained event, or the end. */
  fromBeginning: boolean;
  /** Repositories with no build for this long are deleted (at most once per `pruneIntervalMs`). */
  retentionMs: number;
  logger: Logger;
  pruneIntervalMs?: number;
  restartDelayMs?: number;
  /** Bound on `stop()` waiting for the consumer to leave its group. */
  stopTimeoutMs?: number;
}

/**
 * Keeps the last few refs built in each repository (issue 16), off the routing path: its own
 * consumer group on `repository-events` (a new group starts at the oldest retained event by
 * default, so a first deployment learns up to the topic's retention of history), one MongoDB write per
 * repository per batch. At-least-once: a batch replayed after a crash merges to the same lists.
 * It never makes the service unready: a lagging or failing recorder only makes the preview older.
 */
export class RecentRefsRecorder {
  private consumer: Consumer | undefined;
  private current: RecorderState = 'idle';
  private reason: string | undefined;
  private lastPrune = 0;
  private restartTimer: NodeJS.Timeout | undefined;
  private stopping: Promise<void> | undefined;

  constructor(private readonly opts: RecentRefsRecorderOptions) {}

  status(): RecorderStatus {
    return { state: this.current, ...(this.current !== 'running' && this.reason ? { reason: this.reason } : {}) };
  }

  /**
   * Connects and subscribes; consuming goes on in the background (joining the group is not
   * awaited). Does not throw: a failure is retried after `restartDelayMs`.
   */
  async start(): Promise<void> {
    if (this.current !== 'idle' && this.current !== 'failed') return;
    const { kafka, groupId } = this.opts;
    // The long-poll bounds how long stop() waits for the fetch in flight (kafkajs cannot cut it short);
    // minBytes makes a busy topic arrive in larger batches, so fewer writes per repository (the
    // preview can be a second late).
    // Measured (FerretDB, 20,000 events, 250 repositories): 920 events/s with minBytes 1, 2,050 with 256 KiB.
    const consumer = kafka.consumer({
      groupId,
      sessionTimeout: 30_000,
      heartbeatInterval: 3_000,
      maxWaitTimeInMs: 1_000,
      minBytes: 256 * 1024,
      maxBytes: 4 * 1024 * 1024,
      allowAutoTopicCreation: false,
      // A crash while stop() disconnects (its fetch's connection closed under it) must not restart
      // the consumer: kafkajs would schedule the restart after disconnect() cleared its timer, and
      // the restarted consumer kept the process alive after shutdown (seen in CI).
      retry: { restartOnFailure: async () => this.stopping === undefined },
    });
    this.consumer = consumer;
    this.current = 'joining';
    this.watch(consumer);
    try {
      await consumer.connect();
      await consumer.subscribe({ topic: TOPICS.repositoryEvents, fromBeginning: this.opts.fromBeginning });
      consumer.run({ eachBatch: async ({ batch, heartbeat }) => this.apply(batch.messages, heartbeat) }).catch((err: unknown) => this.fail(err));
    } catch (err) {
      // Never fails the service's start: the preview falls back to examples until it runs.
      this.fail(err);
    }
  }

  /** Idempotent: stops consuming (waits for the batch in progress, bounded) and leaves the group. */
  stop(): Promise<void> {
    this.stopping ??= (async () => {
      this.current = 'stopped';
      clearTimeout(this.restartTimer);
      const c = this.consumer;
      this.consumer = undefined;
      if (!c) return;
      let timer: NodeJS.Timeout | undefined;
      const bound = new Promise<void>((resolve) => (timer = setTimeout(resolve, this.opts.stopTimeoutMs ?? 5_000)));
      await Promise.race([c.disconnect().catch((err: unknown) => this.opts.logger.warn({ err }, 'recent refs consumer disconnect failed')), bound]);
      clearTimeout(timer);
    })();
    return this.stopping;
  }

  private async apply(messages: KafkaMessage[], heartbeat: () => Promise<void>): Promise<void> {
    try {
      await this.record(messages, heartbeat);
    } catch (err) {
      if (this.current === 'running') this.current = 'retrying';
      this.reason = err instanceof Error ? err.message : String(err);
      throw err;
    }
    if (this.current === 'retrying') {
      this.current = 'running';
      this.reason = undefined;
    }
  }

  private async record(messages: KafkaMessage[], heartbeat: () => Promise<void>): Promise<void> {
    const { codec, logger } = this.opts;
    const events: RepositoryEvent[] = [];
    for (const m of messages) {
      try {
        events.push(await codec.decode(m.value, REPOSITORY_EVENT_SCHEMA));
      } catch (err) {
        // The router dead-letters undecodable events; here they only have no ref to show.
        if (err instanceof DecodeError) continue;
        throw retriable('decoding a repository event failed', err);
      }
    }
    const store = this.opts.store();
    try {
      // Repositories are distinct documents: a few written at a time (MongoDB round trips dominate).
      const pending = [...buildRefsByRepository(events)];
      const writer = async (): Promise<void> => {
        for (let next = pending.pop(); next; next = pending.pop()) {
          await store.record(next[0], next[1]);
          await heartbeat();
        }
      };
      await Promise.all(Array.from({ length: WRITE_CONCURRENCY }, writer));
      const now = Date.now();
      if (now - this.lastPrune >= (this.opts.pruneIntervalMs ?? 3_600_000)) {
        this.lastPrune = now;
        const pruned = await store.prune(new Date(now - this.opts.retentionMs));
        if (pruned > 0) logger.info({ pruned }, 'recent refs of inactive repositories pruned');
      }
    } catch (err) {
      throw retriable('recording recent refs failed', err);
    }
  }

  private watch(consumer: Consumer): void {
    const { logger, groupId } = this.opts;
    consumer.on(consumer.events.GROUP_JOIN, () => {
      if (this.consumer !== consumer) return;
      this.current = 'running';
      this.reason = undefined;
    });
    consumer.on(consumer.events.CRASH, ({ payload }) => {
      if (this.consumer !== consumer) return;
      this.reason = payload.error.message;
      if (payload.restart) {
        this.current = 'restarting';
        logger.warn({ err: payload.error, groupId }, 'recent refs consumer crashed, kafkajs restarts it');
      } else {
        this.fail(payload.error);
      }
    });
  }

  /** A consumer kafkajs will not restart: replaced by a new one after a delay. */
  private fail(err: unknown): void {
    if (this.current === 'stopped' || this.current === 'failed') return;
    const { logger, groupId } = this.opts;
    this.current = 'failed';
    this.reason = err instanceof Error ? err.message : String(err);
    logger.error({ err, groupId }, 'recent refs consumer stopped; restarting it');
    const old = this.consumer;
    this.consumer = undefined;
    void old?.disconnect().catch(() => undefined);
    this.restartTimer = setTimeout(() => {
      this.start().catch((e: unknown) => this.fail(e));
    }, this.opts.restartDelayMs ?? 30_000);
    this.restartTimer.unref();
  }
}

function retriable(message: string, cause: unknown): HeraldError {
  return new HeraldError('RECENT_REFS_FAILED', `${message}: ${cause instanceof Error ? cause.message : String(cause)}`, { cause, retriable: true });
}
