import { createDeliveryJob, DELIVERY_JOB_SCHEMA, SUBJECTS, type SchemaRegistryCodec } from '@herald/events';
import { TOPICS, type Producer } from '@herald/kafka';
import type { NotificationDoc } from '@herald/subscriptions';
import { testEventFor } from './test-event.js';

/**
 * "Test notification" (SPEC §5): one delivery job with the event built from the notification's
 * settings (`testEventFor`), published to `notifications.<method>` for this one notification, so
 * it goes through the real pipeline.
 */
export interface TestDelivery {
  send(n: NotificationDoc): Promise<{ delivery_id: string }>;
}

/** Publishes test jobs with `producer`, Avro-encoded through the schema registry. */
export function createTestDelivery(producer: Producer, codec: SchemaRegistryCodec): TestDelivery {
  return {
    async send(n) {
      const event = testEventFor(n);
      const job = createDeliveryJob({ event, notificationUuid: n.uuid, method: n.method, test: true });
      const subject = SUBJECTS.jobs(n.method);
      await codec.register(subject, DELIVERY_JOB_SCHEMA);
      const value = codec.encode(subject, job);
      await producer.send({ topic: TOPICS.jobs(n.method), acks: -1, messages: [{ key: n.uuid, value }] });
      return { delivery_id: job.delivery_id };
    },
  };
}
