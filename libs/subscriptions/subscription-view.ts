import { randomUUID } from 'node:crypto';
import { TOPICS, type Consumer, type Kafka } from '@herald/kafka';
import type { Logger } from '@herald/logger';
import type { ChangeCodec } from './change-codec.js';
import type { NotificationStore } from './notification-store.js';
import { toSubscription, type Subscription } from './notification.js';
import { SubscriptionIndex } from './subscription-index.js';

export interface SubscriptionViewOptions {
  kafka: Kafka;
  store: NotificationStore;
  codec: ChangeCodec;
  logger: Logger;
  /** Names the view's consumer group (`<prefix>-<random>`): each process reads the whole feed. */
  groupPrefix: string;
  /** Called after each applied change (metrics, tests). */
  onChange?: (s: Subscription, op: 'upsert' | 'delete') => void;
}

/**
 * The subscriptions a router or delivery service needs, in memory: bootstrapped from MongoDB, then
 * kept current by the change feed (FerretDB has no change streams). Changes carry versions, so the
 * feed may replay older records than MongoDB's state without harm. Ready once the feed has been read
 * up to its end as of start.
 */
export class SubscriptionView {
  readonly index = new SubscriptionIndex();
  private consumer: Consumer | undefined;
  private readyPromise: Promise<void> | undefined;

  constructor(private readonly opts: SubscriptionViewOptions) {}

  forEvent(repository: string, event: string): readonly Subscription[] {
    return this.index.forEvent(repository, event);
  }

  get(uuid: string): Subscription | undefined {
    return this.index.get(uuid);
  }

  /** Bootstraps and starts following the feed; resolves when caught up. */
  async start(): Promise<void> {
    const { kafka, store, codec, logger, groupPrefix } = this.opts;
    await codec.ready();
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
    this.readyPromise = new Promise((resolve) => (markReady = resolve));
    if (pending.size === 0) markReady();

    const consumer = kafka.consumer({ groupId: `${groupPrefix}-${randomUUID()}`, maxWaitTimeInMs: 100 });
    this.consumer = consumer;
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
    await this.readyPromise;
    logger.info({ subscriptions: this.index.size }, 'subscription view ready');
  }

  async stop(): Promise<void> {
    const c = this.consumer;
    this.consumer = undefined;
    if (c) await c.disconnect();
  }

  private async apply(value: Buffer): Promise<void> {
    const decoded = await this.opts.codec.decode(value).catch((err: unknown) => {
      this.opts.logger.error({ err }, 'undecodable subscription change skipped');
      return undefined;
    });
    if (!decoded) return;
    const { op, subscription } = decoded;
    const applied = op === 'delete' ? this.index.remove(subscription.uuid, subscription.version) : this.index.upsert(subscription);
    if (applied) this.opts.onChange?.(subscription, op);
  }
}
