import { RE2JS } from 're2js';
import { ValidationError } from '@herald/errors';

/**
 * A build `ref-regex` (a string within MAX_REF_REGEX_LENGTH: the schema) must compile as RE2, the
 * router's engine (libs/routing, linear time): no backreferences or lookarounds, bounded
 * repetition counts. The length bound keeps the compiled program small.
 */
export function refRegex(field: string, raw: string): string {
  try {
    RE2JS.compile(raw);
  } catch (err) {
    const reason = err instanceof Error ? err.message.replace(/^error parsing regexp: /, '') : 'invalid';
    throw new ValidationError(field, `is not a valid regular expression (RE2 syntax): ${reason}`);
  }
  return raw;
}
