import { randomUUID } from 'node:crypto';
import { ValidationError } from '@herald/errors';
import { validateEvent, type RepositoryEvent, type RepositoryEventInput } from '@herald/events';

export interface PrepareOptions {
  now?: () => number;
  newId?: () => string;
}

/**
 * Fills `event_id` (UUID v4) and `occurred_at` (now) where absent, then validates. Every event is
 * checked before any is returned, so a batch is published whole or not at all (as far as validity
 * goes). In a batch, the error's field starts with the event's index: `[3].body.build_id`.
 */
export function prepareEvents(inputs: readonly unknown[], opts: PrepareOptions = {}, indexed = true): RepositoryEvent[] {
  const now = opts.now ?? Date.now;
  const newId = opts.newId ?? randomUUID;
  return inputs.map((input, i) => {
    try {
      return validateEvent(withDefaults(input, now, newId));
    } catch (err) {
      if (!indexed || !(err instanceof ValidationError)) throw err;
      throw new ValidationError(`[${i}].${err.field}`, err.message.slice(err.field.length + 2), { cause: err });
    }
  });
}

function withDefaults(input: unknown, now: () => number, newId: () => string): unknown {
  if (input === null || typeof input !== 'object' || Array.isArray(input)) return input;
  const event = { ...(input as Partial<RepositoryEventInput>) };
  if (event.event_id === undefined || event.event_id === null) event.event_id = newId();
  if (event.occurred_at === undefined || event.occurred_at === null) event.occurred_at = now();
  return event;
}
