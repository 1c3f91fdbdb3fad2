import { HeraldError } from '@herald/errors';
import {
  createDeliveryJob,
  DELIVERY_JOB_SCHEMA,
  isEventKind,
  sampleEvent,
  SUBJECTS,
  type RepositoryEvent,
  type SchemaRegistryCodec,
} from '@herald/events';
import { TOPICS, type Producer } from '@herald/kafka';
import type { NotificationDoc } from '@herald/subscriptions';

/**
 * "Test notification" (SPEC §5): one delivery job with the event kind's sample data, published to
 * `notifications.<method>` for this one notification, so it goes through the real pipeline.
 */
export interface TestDelivery {
  send(n: NotificationDoc): Promise<{ delivery_id: string }>;
}

/** Publishes test jobs with `producer`, Avro-encoded through the schema registry. */
export function createTestDelivery(producer: Producer, codec: SchemaRegistryCodec): TestDelivery {
  return {
    async send(n) {
      if (!isEventKind(n.event)) throw new HeraldError('EVENT_UNKNOWN', `notification ${n.uuid} has an unknown event kind`);
      // The sample is re-addressed to this repository; an expiry event names this notification.
      const event = sampleEvent(n.event, {
        repository: n.repository,
        ...(n.event === 'repo_image_expiry' ? { body: { notification_uuid: n.uuid } } : {}),
      }) as RepositoryEvent;
      const job = createDeliveryJob({ event, notificationUuid: n.uuid, method: n.method, test: true });
      const subject = SUBJECTS.jobs(n.method);
      await codec.register(subject, DELIVERY_JOB_SCHEMA);
      const value = codec.encode(subject, job);
      await producer.send({ topic: TOPICS.jobs(n.method), acks: -1, messages: [{ key: n.uuid, value }] });
      return { delivery_id: job.delivery_id };
    },
  };
}
