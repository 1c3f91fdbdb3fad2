import { ValidationError } from '@herald/errors';
import { JsonTemplate, TemplateError } from '@herald/json-template';

const FIELD = 'config.template';

/**
 * Validates a webhook body template (SPEC §3) with the parser delivery uses: a string holding a
 * JSON document whose strings may contain `${jsonpath}` expressions, within TEMPLATE_LIMITS
 * (the message names the limit). Returns the template unchanged.
 */
export function webhookTemplate(raw: unknown): string {
  if (typeof raw !== 'string') throw new ValidationError(FIELD, 'must be a string holding a JSON document');
  try {
    new JsonTemplate(raw);
  } catch (err) {
    if (err instanceof TemplateError) throw new ValidationError(FIELD, err.message, { cause: err });
    throw err;
  }
  return raw;
}
