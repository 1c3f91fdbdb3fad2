import { TOPICS, type Kafka, type Producer } from '@herald/kafka';
import type { Logger } from '@herald/logger';
import { toSubscription, type NotificationDoc, type Subscription } from './notification.js';
import type { ChangeCodec } from './change-codec.js';

/**
 * Publishes notification changes on the compacted `subscription-changes` topic, keyed by uuid.
 * The record carries the subscription without secrets (SPEC §3: secrets never go to Kafka).
 */
export class SubscriptionChangePublisher {
  private readonly producer: Producer;

  constructor(
    kafka: Kafka,
    private readonly codec: ChangeCodec,
    private readonly logger: Logger,
  ) {
    this.producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1, allowAutoTopicCreation: false });
  }

  async connect(): Promise<void> {
    await this.codec.ready();
    await this.producer.connect();
  }

  upsert(doc: NotificationDoc): Promise<void> {
    return this.send(doc.uuid, { op: 'upsert', subscription: toSubscription(doc) });
  }

  remove(doc: NotificationDoc): Promise<void> {
    // A delete is newer than anything stored, so it carries the next version.
    return this.send(doc.uuid, { op: 'delete', subscription: { ...toSubscription(doc), version: doc.version + 1 } });
  }

  async disconnect(): Promise<void> {
    await this.producer.disconnect();
  }

  private async send(uuid: string, change: { op: 'upsert' | 'delete'; subscription: Subscription }): Promise<void> {
    const value = await this.codec.encode(change);
    await this.producer.send({ topic: TOPICS.subscriptionChanges, acks: -1, messages: [{ key: uuid, value }] });
    this.logger.debug({ notificationUuid: uuid, op: change.op, version: change.subscription.version }, 'subscription change published');
  }
}
