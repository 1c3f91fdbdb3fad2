import type avro from 'avsc';
import { ValidationError } from '@herald/errors';
import { DEFINITIONS } from './avro-schemas.js';
import { checkAvro } from './avro-validate.js';
import { defineSchema } from './herald-schema.js';
import type { DeliveryResult } from './message-types.js';

function validate(type: avro.Type, input: unknown): DeliveryResult {
  const result = checkAvro(type, input, { root: 'result' }) as DeliveryResult;
  if (result.attempt < 1) throw new ValidationError('attempt', 'must be at least 1');
  if (result.duration_ms < 0) throw new ValidationError('duration_ms', 'must not be negative');
  if (result.status_code !== undefined && (result.status_code < 100 || result.status_code > 599)) {
    throw new ValidationError('status_code', 'must be an HTTP status (100-599)');
  }
  return result;
}

/** `schemas/delivery-result.avsc`, registered under `delivery-results-value`. */
export const DELIVERY_RESULT_SCHEMA = defineSchema<DeliveryResult>(DEFINITIONS.deliveryResult, { validate });

/** Validates a delivery result; throws a ValidationError naming the field. */
export function validateDeliveryResult(input: unknown): DeliveryResult {
  return DELIVERY_RESULT_SCHEMA.validate(input);
}
