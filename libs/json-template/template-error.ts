import { HeraldError } from '@herald/errors';

/** Why a template was refused: not JSON, a bad expression, or over a bound. */
export type TemplateErrorReason = 'not_json' | 'expression' | 'too_deep' | 'too_large';

/** A webhook body template that cannot be used; the message says why and names any limit. */
export class TemplateError extends HeraldError {
  readonly reason: TemplateErrorReason;

  constructor(reason: TemplateErrorReason, message: string, opts: { cause?: unknown } = {}) {
    super('TEMPLATE_INVALID', message, { ...opts, details: { reason } });
    this.reason = reason;
  }
}
