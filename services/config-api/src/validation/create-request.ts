import { ValidationError } from '@herald/errors';
import { DELIVERY_METHODS, type DeliveryMethod } from '@herald/kafka';
import { EVENT_KINDS, isEventKind, type EventKind } from '@herald/events';
import { INVISIBLE_FORMAT_CHARS } from '@herald/render';
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
  const invisible = INVISIBLE_FORMAT_CHARS.exec(t)?.[0];
  if (invisible !== undefined) {
    const code = `U+${invisible.codePointAt(0)?.toString(16).toUpperCase().padStart(4, '0')}`;
    throw new ValidationError('title', `must not contain ${code} (${INVISIBLE_NAMES[invisible] ?? 'an invisible format character'}): it changes how the text reads`);
  }
  return t === '' ? null : t;
}

/** The characters of INVISIBLE_FORMAT_CHARS by name, for the 400 naming the one found. */
const INVISIBLE_NAMES: Record<string, string> = {
  '\u200B': 'ZERO WIDTH SPACE',
  '\u200C': 'ZERO WIDTH NON-JOINER',
  '\u200D': 'ZERO WIDTH JOINER',
  '\u200E': 'LEFT-TO-RIGHT MARK',
  '\u200F': 'RIGHT-TO-LEFT MARK',
  '\u202A': 'LEFT-TO-RIGHT EMBEDDING',
  '\u202B': 'RIGHT-TO-LEFT EMBEDDING',
  '\u202C': 'POP DIRECTIONAL FORMATTING',
  '\u202D': 'LEFT-TO-RIGHT OVERRIDE',
  '\u202E': 'RIGHT-TO-LEFT OVERRIDE',
  '\u2066': 'LEFT-TO-RIGHT ISOLATE',
  '\u2067': 'RIGHT-TO-LEFT ISOLATE',
  '\u2068': 'FIRST STRONG ISOLATE',
  '\u2069': 'POP DIRECTIONAL ISOLATE',
};

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
