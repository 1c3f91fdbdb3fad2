import { ValidationError } from '@herald/errors';
import { DELIVERY_METHODS, type DeliveryMethod } from '@herald/kafka';
import { EVENT_KINDS, isEventKind, type EventKind } from '@herald/events';
import { validateEventConfig } from './event-config.js';
import { validateMethodConfig, type MethodConfigContext } from './method-config.js';

export const MAX_TITLE_LENGTH = 255;

/** A validated, normalized `POST …/notification/` body. */
export interface CreateRequest {
  event: EventKind;
  method: DeliveryMethod;
  config: Record<string, unknown>;
  event_config: Record<string, unknown>;
  title: string | null;
}

function isMethod(s: unknown): s is DeliveryMethod {
  return typeof s === 'string' && (DELIVERY_METHODS as readonly string[]).includes(s);
}

function title(raw: unknown): string | null {
  if (raw === undefined || raw === null) return null;
  if (typeof raw !== 'string') throw new ValidationError('title', 'must be a string');
  const t = raw.trim();
  if (t.length > MAX_TITLE_LENGTH) throw new ValidationError('title', `must be at most ${MAX_TITLE_LENGTH} characters`);
  if (/\p{Cc}/u.test(t)) throw new ValidationError('title', 'must not contain control characters');
  return t === '' ? null : t;
}

/**
 * Validates a create request in Quay's shape (`eventConfig`; `event_config` is accepted too).
 * Throws a ValidationError naming the first offending field.
 */
export async function validateCreateRequest(body: unknown, ctx: MethodConfigContext): Promise<CreateRequest> {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) throw new ValidationError('body', 'must be a JSON object');
  const b = body as Record<string, unknown>;
  if (!isEventKind(b['event'])) throw new ValidationError('event', `must be one of ${EVENT_KINDS.join(', ')}`);
  if (!isMethod(b['method'])) throw new ValidationError('method', `must be one of ${DELIVERY_METHODS.join(', ')}`);
  const event = b['event'];
  const method = b['method'];
  const t = title(b['title']);
  const event_config = validateEventConfig(event, b['eventConfig'] ?? b['event_config']);
  const config = await validateMethodConfig(method, b['config'], ctx);
  return { event, method, config, event_config, title: t };
}
