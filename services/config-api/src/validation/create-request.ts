import { ValidationError } from '@herald/errors';
import type { DeliveryMethod } from '@herald/kafka';
import type { EventKind } from '@herald/events';
import { methodModule } from '@herald/methods';
import { INVISIBLE_FORMAT_CHARS } from '@herald/render';
import { compileSchema, schemaError } from '../schemas/ajv.js';
import { MAX_TITLE_LENGTH, NotificationCreateRequest } from '../schemas/notification.js';
import { checkEventConfig } from './event-config.js';
import { checkMethodConfig, type MethodConfigContext } from './method-checks.js';

export type { MethodConfigContext } from './method-checks.js';

/** A validated, normalized `POST …/notification/` body. */
export interface CreateRequest {
  event: EventKind;
  method: DeliveryMethod;
  config: Record<string, unknown>;
  event_config: Record<string, unknown>;
  title: string | null;
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

/** The schema says string or null; the length counts once trimmed, and the characters are judged here. */
function title(raw: string | null | undefined): string | null {
  if (raw === undefined || raw === null) return null;
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

/**
 * Quay's clients send `eventConfig`, some `event_config`, some neither: before the schema, the body
 * carries the filter as `eventConfig` (an object when absent), so the schema judges one name.
 * Mutates and returns the body; anything but an object is left for the schema to refuse.
 */
export function prepareCreateBody(body: unknown): unknown {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) return body;
  const b = body as Record<string, unknown>;
  const ec = b['eventConfig'] ?? b['event_config'];
  delete b['event_config'];
  b['eventConfig'] = ec ?? {};
  return b;
}

interface SchemaValidBody {
  event: EventKind;
  method: DeliveryMethod;
  config: Record<string, unknown>;
  eventConfig: Record<string, unknown>;
  title?: string | null;
}

/**
 * What the schema (schemas/notification.ts, checked by Fastify on the route) cannot say: the
 * title's characters, RE2 compilation, the destination guard, the template, e-mail authorization.
 * Returns the request as stored. Throws a ValidationError naming the field.
 */
export async function checkCreateRequest(body: unknown, ctx: MethodConfigContext): Promise<CreateRequest> {
  const b = body as SchemaValidBody;
  const m = methodModule(b.method);
  if (!m) throw new ValidationError('method', 'is not a delivery method'); // the schema refused it already
  const t = title(b.title);
  const event_config = checkEventConfig(b.event, b.eventConfig);
  const config = await checkMethodConfig(m, b.config, ctx);
  return { event: b.event, method: b.method, config, event_config, title: t };
}

const validateSchema = compileSchema(NotificationCreateRequest);

/** The route's whole validation outside Fastify (tests, tools): prepare, the schema, then the checks. */
export async function validateCreateRequest(body: unknown, ctx: MethodConfigContext): Promise<CreateRequest> {
  const prepared = prepareCreateBody(typeof body === 'object' && body !== null ? structuredClone(body) : body);
  if (!validateSchema(prepared)) throw schemaError(validateSchema.errors ?? [], 'body');
  return checkCreateRequest(prepared, ctx);
}
