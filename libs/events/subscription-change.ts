import type avro from 'avsc';
import { ValidationError } from '@herald/errors';
import { DEFINITIONS } from './avro-schemas.js';
import { checkAvro, isPlainObject } from './avro-validate.js';
import { defineSchema } from './herald-schema.js';
import type { SubscriptionChange, SubscriptionChangeRecord } from './message-types.js';

function validate(type: avro.Type, input: unknown): SubscriptionChange {
  const change = checkAvro(type, input, { root: 'change' }) as SubscriptionChangeRecord;
  if (change.op === 'upsert') {
    if (!change.notification) throw new ValidationError('notification', 'required for op "upsert"');
    if (change.notification.number_of_failures < 0) {
      throw new ValidationError('notification.number_of_failures', 'must not be negative');
    }
    let config: unknown;
    try {
      config = JSON.parse(change.notification.event_config);
    } catch {
      throw new ValidationError('notification.event_config', 'must be a JSON object');
    }
    if (!isPlainObject(config)) throw new ValidationError('notification.event_config', 'must be a JSON object');
  } else if (change.notification) {
    throw new ValidationError('notification', 'must be absent for op "delete"');
  }
  return change as SubscriptionChange;
}

/** `schemas/subscription-change.avsc`, registered under `subscription-changes-value`. No secrets. */
export const SUBSCRIPTION_CHANGE_SCHEMA = defineSchema<SubscriptionChange>(DEFINITIONS.subscriptionChange, { validate });

/** Validates a subscription change; throws a ValidationError naming the field. */
export function validateSubscriptionChange(input: unknown): SubscriptionChange {
  return SUBSCRIPTION_CHANGE_SCHEMA.validate(input);
}
