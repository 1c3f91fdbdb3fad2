import { DELIVERY_JOB_SCHEMA, SUBJECTS, type SchemaRegistryCodec } from '@herald/events';
import { TOPICS, type DeliveryMethod, type Producer } from '@herald/kafka';
import type { InspectionStore } from './inspection-store.js';

/** Header on a resent job: the inspection record (attempt id) whose job it repeats. */
export const RESENT_FROM_HEADER = 'herald-resent-from';

export interface ResendOptions {
  producer: Producer;
  codec: SchemaRegistryCodec;
  inspections: InspectionStore;
  notification: { uuid: string; method: DeliveryMethod };
  deliveryId: string;
}

/**
 * Resends one delivery: the job message stored with its newest inspection record, decoded and
 * published again to `notifications.<method>` unchanged but for `attempt` (the next attempt
 * continues the count), so the receiver sees the same `webhook-id` (the delivery id). Whatever the
 * earlier outcome: the delivery service attempts it like a new job. Undefined when the delivery is
 * not known (never inspected, or past the inspection retention).
 */
export async function resendDelivery(o: ResendOptions): Promise<{ delivery_id: string; resent_from: string; attempt: number } | undefined> {
  const stored = await o.inspections.job(o.notification.uuid, o.deliveryId);
  if (!stored) return undefined;
  const decoded = await o.codec.safeDecode(stored.value, DELIVERY_JOB_SCHEMA);
  if (!decoded.ok || decoded.value.delivery_id !== o.deliveryId || decoded.value.notification_uuid !== o.notification.uuid) return undefined;
  const subject = SUBJECTS.jobs(o.notification.method);
  await o.codec.register(subject, DELIVERY_JOB_SCHEMA);
  const value = o.codec.encode(subject, { ...decoded.value, attempt: stored.attempt });
  await o.producer.send({
    topic: TOPICS.jobs(o.notification.method),
    acks: -1,
    messages: [{ key: o.notification.uuid, value, headers: { [RESENT_FROM_HEADER]: stored.attemptId } }],
  });
  return { delivery_id: o.deliveryId, resent_from: stored.attemptId, attempt: stored.attempt + 1 };
}
