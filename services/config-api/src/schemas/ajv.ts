import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import { ValidationError } from '@herald/errors';

/**
 * The validator of every route schema. No coercion, no defaults, no removal: a request is judged as
 * sent (a `title` of 5 is refused, not turned into "5"). `discriminator` selects the branch of a
 * `oneOf` by a property (`method`, `event`), so a 400 speaks of the branch the request chose.
 * `verbose` gives each error its schema, whose `x-error` is the message.
 */
export const ajv = new Ajv({
  allErrors: false,
  coerceTypes: false,
  useDefaults: false,
  removeAdditional: false,
  discriminator: true,
  verbose: true,
  validateFormats: false,
  strictTypes: false,
  keywords: ['x-error', 'x-field', 'example'],
});

export function compileSchema(schema: object): ValidateFunction {
  return ajv.compile(schema);
}

type Json = Record<string, unknown>;

const annotation = (schema: unknown, key: 'x-error' | 'x-field'): string | undefined => {
  const v = typeof schema === 'object' && schema !== null ? (schema as Json)[key] : undefined;
  return typeof v === 'string' ? v : undefined;
};

/** The values a discriminator's branches take for its tag, for the message naming them. */
function tagValues(schema: Json, tag: string): string[] {
  const branches = Array.isArray(schema['oneOf']) ? (schema['oneOf'] as Json[]) : [];
  return branches.flatMap((b) => {
    const p = ((b['properties'] ?? {}) as Record<string, Json>)[tag] ?? {};
    return Array.isArray(p['enum']) ? (p['enum'] as string[]) : typeof p['const'] === 'string' ? [p['const']] : [];
  });
}

/**
 * The error to report: the first, or, when it is one branch of an `anyOf` failing, the enclosing
 * error at the same value whose schema has the message (Ajv lists a branch's errors before the
 * `anyOf`'s own).
 */
function reported(errors: readonly ErrorObject[]): ErrorObject | undefined {
  const first = errors[0];
  if (!first || annotation(first.parentSchema, 'x-error') !== undefined) return first;
  const enclosing = errors
    .filter((x) => x.instancePath === first.instancePath && annotation(x.parentSchema, 'x-error') !== undefined)
    .sort((a, b) => a.schemaPath.length - b.schemaPath.length);
  return enclosing[0] ?? first;
}

/** Requests say `eventConfig` (Quay's name) or `event_config`; a 400 names the former, as always. */
const FIELD_ALIASES: Record<string, string> = { event_config: 'eventConfig' };

/**
 * The first schema error as Herald's 400: `field` is the request path of the offending value
 * (`config.url`, `eventConfig.ref-regex`, `page`), the message its schema's `x-error` (or Ajv's
 * words). An error about the whole body names `body`, unless the schema names a field (`x-field`).
 */
export function schemaError(errors: readonly ErrorObject[], part: string): ValidationError {
  const e = reported(errors);
  if (!e) return new ValidationError(part, 'is invalid');
  const path = e.instancePath
    .split('/')
    .slice(1)
    .map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'));
  const parent = (e.parentSchema ?? {}) as Json;
  let message = annotation(parent, 'x-error') ?? e.message ?? 'is invalid';
  if (e.keyword === 'required') {
    const missing = String((e.params as { missingProperty?: unknown }).missingProperty ?? '');
    path.push(missing);
    const property = ((parent['properties'] ?? {}) as Json)[missing];
    message = annotation(property, 'x-error') ?? 'is required';
  } else if (e.keyword === 'discriminator') {
    const tag = String((e.params as { tag?: unknown }).tag ?? '');
    path.push(tag);
    const property = ((parent['properties'] ?? {}) as Json)[tag];
    message = annotation(property, 'x-error') ?? `must be one of ${tagValues(parent, tag).join(', ')}`;
  }
  const first = path[0];
  if (first !== undefined && FIELD_ALIASES[first]) path[0] = FIELD_ALIASES[first];
  // Array items are named by index: `eventConfig.tag-glob[1]`.
  const joined = path.reduce((f, seg) => (/^\d+$/.test(seg) && f !== '' ? `${f}[${seg}]` : f === '' ? seg : `${f}.${seg}`), '');
  const field = joined !== '' ? joined : (annotation(parent, 'x-field') ?? (part === 'querystring' ? 'query' : part));
  return new ValidationError(field, message);
}

/** Fastify's `schemaErrorFormatter`: a failed route schema is a ValidationError (400 naming the field). */
export function schemaErrorFormatter(errors: readonly unknown[], dataVar: string): Error {
  return schemaError(errors as ErrorObject[], dataVar);
}
