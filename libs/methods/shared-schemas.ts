import { Type } from 'typebox';
import { errorText, type FieldSpec } from './method-module.js';

export const MAX_URL_LENGTH = 2048;
export const MAX_TOKEN_LENGTH = 512;
export const MAX_NAME_LENGTH = 255;

/**
 * An absolute http(s) URL naming a host, without whitespace. That it parses as a URL, and where it
 * points (the SSRF guard), are checked by config-api after the schema.
 */
export const HttpUrl = Type.String({
  minLength: 1,
  maxLength: MAX_URL_LENGTH,
  pattern: '^[Hh][Tt][Tt][Pp][Ss]?://[^\\s/?#]+\\S*$',
  format: 'uri',
  ...errorText(`is required and must be an http or https URL naming a host, without whitespace, of at most ${MAX_URL_LENGTH} characters`),
});

export const MAX_RATE_LIMIT = 1000;

/**
 * `rate_limit`, shared by the methods that send to an endpoint: at most this many attempts a
 * second for the notification (the delivery service makes the rest wait, SPEC: per-endpoint
 * protection). Optional; fractions allowed (0.5 = one every 2 s).
 */
export const RateLimit = Type.Optional(
  Type.Number({
    exclusiveMinimum: 0,
    maximum: MAX_RATE_LIMIT,
    description: 'At most this many delivery attempts per second for this notification; the rest wait their turn (none are dropped). Optional.',
    ...errorText(`must be a number of requests per second greater than 0 and at most ${MAX_RATE_LIMIT}`),
  }),
);

/** The admin page's field for `rate_limit`. */
export const RATE_LIMIT_FIELD: FieldSpec = {
  key: 'config.rate_limit',
  label: 'Rate limit, requests per second (optional)',
  kind: 'number',
  placeholder: '10',
  hint: 'Deliveries beyond it wait their turn; none are dropped.',
};

/** The config with `rate_limit` when it was given (for a module's normalize). */
export const withRateLimit = (stored: Record<string, unknown>, sent: Record<string, unknown>): Record<string, unknown> =>
  sent['rate_limit'] === undefined ? stored : { ...stored, rate_limit: sent['rate_limit'] };

/** A token: non-empty, no whitespace or control characters. */
export const Token = Type.String({
  minLength: 1,
  maxLength: MAX_TOKEN_LENGTH,
  pattern: '^[^\\s\\p{Cc}]+$',
  ...errorText(`is required and must be a non-empty string of at most ${MAX_TOKEN_LENGTH} characters without whitespace or control characters`),
});
