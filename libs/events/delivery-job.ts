import type avro from 'avsc';
import { ValidationError } from '@herald/errors';
import type { DeliveryMethod } from '@herald/kafka';
import { DEFINITIONS } from './avro-schemas.js';
import { checkAvro } from './avro-validate.js';
import { checkEventRules, isUuid } from './event-rules.js';
import { defineSchema } from './herald-schema.js';
import { checkBodyBranch, EVENT_CHECK, eventToAvro } from './repository-event.js';
import { deliveryId } from './delivery-id.js';
import type { RepositoryEvent } from './event-types.js';
import type { DeliveryJob } from './message-types.js';
import type { EventHead } from './event-head.js';

function validate(type: avro.Type, input: unknown): DeliveryJob {
  const job = checkAvro(type, input, { root: 'job', ...EVENT_CHECK }) as DeliveryJob;
  checkEventRules(job.event, 'event.');
  if (!isUuid(job.delivery_id)) throw new ValidationError('delivery_id', 'must be a UUID');
  if (job.attempt < 0) throw new ValidationError('attempt', 'must not be negative');
  if (job.kind !== job.event.kind) throw new ValidationError('kind', `must equal event.kind ("${job.event.kind}")`);
  if (job.repository !== job.event.repository) {
    throw new ValidationError('repository', `must equal event.repository ("${job.event.repository}")`);
  }
  return job;
}

/** `schemas/delivery-job.avsc` (with the event inlined), registered under `notifications.<method>-value`. */
export const DELIVERY_JOB_SCHEMA = defineSchema<DeliveryJob>(DEFINITIONS.deliveryJob, {
  validate,
  toAvro: (job) => ({ ...job, event: eventToAvro(job.event) }),
  fromAvro: (raw, plain) => {
    checkBodyBranch((raw as { event?: unknown }).event, 'job.event');
    return plain(raw) as DeliveryJob;
  },
});

/** Validates a delivery job; throws a ValidationError naming the field (e.g. `event.body.build_id`). */
export function validateDeliveryJob(input: unknown): DeliveryJob {
  return DELIVERY_JOB_SCHEMA.validate(input);
}

/** The first job of an (event, notification) pair, with its stable delivery id. */
export function createDeliveryJob(args: {
  event: RepositoryEvent;
  notificationUuid: string;
  method: DeliveryMethod;
  test?: boolean;
  now?: number;
}): DeliveryJob {
  const fields = jobFieldsAround(args.event, args.notificationUuid, args.method, args.now ?? Date.now());
  return { ...fields, test: args.test ?? false, event: args.event } as DeliveryJob;
}

/**
 * The fields of the first job of (event, notification) other than `event`, in Avro form: with the
 * event's own bytes, `codec.encodeAround(SUBJECTS.jobs(method), 'event', fields, eventBytes)` gives
 * what encoding `createDeliveryJob`'s job gives, without the event ever being read in full.
 */
export function jobFieldsAround(head: Pick<EventHead, 'event_id' | 'kind' | 'repository'>, notificationUuid: string, method: DeliveryMethod, now: number): Record<string, unknown> {
  return {
    delivery_id: deliveryId(head.event_id, notificationUuid),
    notification_uuid: notificationUuid,
    method,
    test: false,
    attempt: 0,
    created_at: now,
    kind: head.kind,
    repository: head.repository,
  };
}
