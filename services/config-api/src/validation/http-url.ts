import { ValidationError } from '@herald/errors';

export const MAX_URL_LENGTH = 2048;

/** Validates an absolute http(s) URL with a host; returns it unchanged. */
export function httpUrl(field: string, raw: unknown): string {
  if (typeof raw !== 'string' || raw.trim() === '') throw new ValidationError(field, 'is required and must be a URL string');
  if (raw.length > MAX_URL_LENGTH) throw new ValidationError(field, `must be at most ${MAX_URL_LENGTH} characters`);
  if (/\s/.test(raw)) throw new ValidationError(field, 'must not contain whitespace');
  let u: URL;
  try {
    u = new URL(raw);
  } catch {
    throw new ValidationError(field, 'is not a well-formed URL');
  }
  if (u.protocol !== 'http:' && u.protocol !== 'https:') throw new ValidationError(field, 'must be an http or https URL');
  if (u.hostname === '') throw new ValidationError(field, 'must name a host');
  return raw;
}
