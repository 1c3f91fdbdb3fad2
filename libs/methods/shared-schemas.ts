import { Type } from 'typebox';
import { errorText } from './method-module.js';

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

/** A token: non-empty, no whitespace or control characters. */
export const Token = Type.String({
  minLength: 1,
  maxLength: MAX_TOKEN_LENGTH,
  pattern: '^[^\\s\\p{Cc}]+$',
  ...errorText(`is required and must be a non-empty string of at most ${MAX_TOKEN_LENGTH} characters without whitespace or control characters`),
});
