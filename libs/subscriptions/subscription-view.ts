import { DecodeError, HeraldError } from '@herald/errors';
import { TOPICS, type Consumer, type Kafka } from '@herald/kafka';
import type { Logger } from '@herald/logger';
import type { ChangeCodec } from './change-codec.js';
import type { NotificationStore } from './notification-store.js';
import { toSubscription, type Subscription } from './notification.js';
import { SubscriptionIndex } from './subscription-index.js';
import { deleteStaleViewGroups, deleteViewGroup, viewGroupId } from './view-groups.js';

export interface SubscriptionViewOptions {
  kafka: Kafka;
  store: NotificationStore;
  codec: ChangeCodec;
  logger: Logger;
  /**
   * Names the view's consumer group (`<prefix>-<created>-<uuid>`): each process reads the whole
   * feed. The group is deleted on stop, and empty groups of the prefix left by processes that
   * did not stop are deleted at start.
   */
  groupPrefix: string;
  /** Called after each applied change (metrics, tests). */
  onChange?: (s: Subscription, op: 'upsert' | 'delete') => void;
  /**
   * Called once if the view stops following the feed after `start()` resolved: its consumer
   * crashed and kafkajs will not restart it, or it stopped without `stop()`. The view keeps its
   * last state but no longer changes; the owner should stop (and be restarted). Failures before
   * `start()` resolves reject `start()` instead.
   */
  onFatal?: (err: Error) => void;
  /** Empty leftover groups of the prefix younger than this are kept (default 60 s). */
  staleGroupAgeMs?: number;
}

/** STARTING until caught up, RUNNING, then STOPPING → STOPPED; FAILED when the feed is lost. */
export type SubscriptionViewState = 'idle' | 'starting' | 'running' | 'stopping' | 'stopped' | 'failed';

/**
 * The subscriptions a router or delivery service needs, in memory: bootstrapped from MongoDB, then
 * kept current by the change feed (FerretDB has no change streams). Changes carry versions, so the
 * feed may replay older records than MongoDB's state without harm. Ready once the feed has been read
 * up to its end as of start.
 */
export class SubscriptionView {
  readonly index = new SubscriptionIndex();
  private consumer: Consumer | undefined;
  private groupId: string | undefined;
  private current: SubscriptionViewState = 'idle';
  private error: Error | undefined;
  private joined = false;
  private crashes = 0;
  private rejectStart: ((err: Error) => void) | undefined;
  private stopping: Promise<void> | undefined;

  constructor(private readonly opts: SubscriptionViewOptions) {}

  forRepository(repository: string, event: string): readonly Subscription[] {
    return this.index.forRepository(repository, event);
  }

  forNamespaceOf(repository: string, event: string): readonly Subscription[] {
    return this.index.forNamespaceOf(repository, event);
  }

  forRegistry(event: string): readonly Subscription[] {
    return this.index.forRegistry(event);
  }

  forEvent(repository: string, event: string): readonly Subscription[] {
    return this.index.forEvent(repository, event);
  }

  get(uuid: string): Subscription | undefined {
    return this.index.get(uuid);
  }

  get state(): SubscriptionViewState {
    return this.current;
  }

  /** The last consumer or feed error, including ones kafkajs recovered from by restarting. */
  get lastError(): Error | undefined {
    return this.error;
  }

  /** False once the view failed or was stopped: it no longer follows the feed. */
  healthy(): boolean {
    return this.current === 'starting' || this.current === 'running';
  }

  /** True while the consumer is in its group and applying the feed (false while kafkajs restarts it). */
  get consuming(): boolean {
    return this.healthy() && this.joined;
  }

  /** Bootstraps and starts following the feed; resolves when caught up. */
  async start(): Promise<void> {
    if (this.current !== 'idle') throw new HeraldError('VIEW_ALREADY_STARTED', `subscription view is ${this.current}`);
    this.current = 'starting';
    const failed = new Promise<never>((_, reject) => (this.rejectStart = reject));
    failed.catch(() => undefined);
    try {
      await Promise.race([this.follow(), failed]);
      if (this.current !== 'starting') throw this.error ?? new HeraldError('VIEW_STOPPED', 'subscription view stopped while starting');
      this.current = 'running';
      this.opts.logger.info({ subscriptions: this.index.size, groupId: this.groupId }, 'subscription view ready');
    } catch (err) {
      this.fail(err as Error);
      await this.stop();
      throw err;
    } finally {
      this.rejectStart = undefined;
    }
  }

  /** Stops following the feed and deletes the view's consumer group. Idempotent. */
  stop(): Promise<void> {
    this.stopping ??= (async () => {
      const failed = this.current === 'failed';
      if (!failed) this.current = 'stopping';
      this.rejectStart?.(new HeraldError('VIEW_STOPPED', 'subscription view stopped while starting'));
      const c = this.consumer;
      this.consumer = undefined;
      this.joined = false;
      if (c) await c.disconnect().catch((err: unknown) => this.opts.logger.warn({ err }, 'subscription view consumer disconnect failed'));
      if (this.groupId) await deleteViewGroup(this.opts.kafka, this.groupId, this.opts.logger);
      if (!failed) this.current = 'stopped';
    })();
    return this.stopping;
  }

  /**
   * The feed's end offsets are taken before MongoDB is read and the feed is read from its
   * beginning, so every change made after the bootstrap's read is applied, and readiness waits
   * for everything published before it.
   */
  private async follow(): Promise<void> {
    const { kafka, store, codec, logger, groupPrefix } = this.opts;
    await codec.ready();
    await deleteStaleViewGroups(kafka, groupPrefix, logger, this.opts.staleGroupAgeMs);
    const admin = kafka.admin();
    await admin.connect();
    const ends = await admin.fetchTopicOffsets(TOPICS.subscriptionChanges).finally(() => admin.disconnect());
    const pending = new Map(ends.filter((e) => Number(e.high) > Number(e.low)).map((e) => [e.partition, Number(e.high)]));

    let loaded = 0;
    for await (const doc of store.all()) {
      this.index.upsert(toSubscription(doc));
      loaded++;
    }
    logger.info({ loaded }, 'subscription view bootstrapped');

    let markReady!: () => void;
    const caughtUp = new Promise<void>((resolve) => (markReady = resolve));
    if (pending.size === 0) markReady();

    if (this.current !== 'starting') return;
    this.groupId = viewGroupId(groupPrefix);
    // A long-poll: a change is applied as soon as it arrives; this bounds idle wake-ups and how long stop() waits.
    // A session as short as the job consumers': after a broker outage a member the coordinator still
    // remembers holds a new one's join for up to this long (kafkajs's default is 30 s).
    const consumer = kafka.consumer({ groupId: this.groupId, maxWaitTimeInMs: 2_000, sessionTimeout: 10_000, heartbeatInterval: 3_000 });
    this.consumer = consumer;
    this.watch(consumer);
    await consumer.connect();
    await consumer.subscribe({ topic: TOPICS.subscriptionChanges, fromBeginning: true });
    await consumer.run({
      autoCommit: false,
      eachMessage: async ({ partition, message }) => {
        if (message.value) await this.apply(message.value);
        const end = pending.get(partition);
        if (end !== undefined && Number(message.offset) + 1 >= end) {
          pending.delete(partition);
          if (pending.size === 0) markReady();
        }
      },
    });
    await caughtUp;
  }

  private watch(consumer: Consumer): void {
    const { logger } = this.opts;
    consumer.on(consumer.events.GROUP_JOIN, () => (this.joined = true));
    consumer.on(consumer.events.CRASH, ({ payload }) => {
      this.crashes++;
      this.joined = false;
      this.error = payload.error;
      if (payload.restart) logger.warn({ err: payload.error, groupId: this.groupId }, 'subscription view consumer crashed, kafkajs restarts it');
      else this.fail(payload.error);
    });
    consumer.on(consumer.events.DISCONNECT, () => {
      this.joined = false;
      if (!this.healthy() || this.consumer !== consumer) return;
      // kafkajs disconnects before it reports a crash; a disconnect with no crash report is a stop.
      const crashes = this.crashes;
      setImmediate(() => {
        if (this.crashes === crashes && this.consumer === consumer) this.fail(new HeraldError('VIEW_CONSUMER_STOPPED', 'subscription view consumer stopped'));
      });
    });
  }

  private fail(err: Error): void {
    if (!this.healthy()) return;
    const running = this.current === 'running';
    this.current = 'failed';
    this.error = err;
    this.joined = false;
    this.opts.logger.error({ err, groupId: this.groupId }, 'subscription view failed');
    if (!running) {
      this.rejectStart?.(err);
      return;
    }
    this.opts.onFatal?.(err);
    // Nothing will read the feed again: leave and delete the group now, not only when stopped.
    void this.stop();
  }

  /**
   * Undecodable records are skipped (one bad record must not stop the view). A registry outage
   * (retriable HeraldError) is thrown for kafkajs to retry the record; anything else is not
   * retriable, so the consumer crashes without restart and the view fails.
   */
  private async apply(value: Buffer): Promise<void> {
    let change;
    try {
      change = await this.opts.codec.decode(value);
    } catch (err) {
      if (err instanceof DecodeError) {
        this.opts.logger.error({ err }, 'undecodable subscription change skipped');
        return;
      }
      if (err instanceof HeraldError) throw err;
      throw new HeraldError('VIEW_APPLY_FAILED', `subscription change not applied: ${(err as Error).message}`, { cause: err });
    }
    const { op, subscription } = change;
    const applied = op === 'delete' ? this.index.remove(subscription.uuid, subscription.version) : this.index.upsert(subscription);
    if (applied) this.opts.onChange?.(subscription, op);
  }
}
