import { RE2JS } from 're2js';
import { ValidationError } from '@herald/errors';

/** Longest `ref-regex` accepted; a ref filter never needs more. */
export const MAX_REF_REGEX_LENGTH = 256;

/**
 * Validates a build `ref-regex`. The router matches with RE2 (libs/routing, linear time), so the
 * pattern must be valid RE2 syntax: no backreferences or lookarounds, bounded repetition counts.
 * The length bound keeps the compiled program small.
 */
export function refRegex(field: string, raw: unknown): string {
  if (typeof raw !== 'string') throw new ValidationError(field, 'must be a string');
  if (raw.length > MAX_REF_REGEX_LENGTH) throw new ValidationError(field, `must be at most ${MAX_REF_REGEX_LENGTH} characters`);
  try {
    RE2JS.compile(raw);
  } catch (err) {
    const reason = err instanceof Error ? err.message.replace(/^error parsing regexp: /, '') : 'invalid';
    throw new ValidationError(field, `is not a valid regular expression (RE2 syntax): ${reason}`);
  }
  return raw;
}
