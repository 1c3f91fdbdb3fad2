/**
 * The one base error of Herald. `code` is a stable, machine-readable string; `retriable` tells the
 * delivery runtime whether a later attempt can succeed. Nothing else decides retry vs dead-letter.
 */
export class HeraldError extends Error {
  readonly code: string;
  readonly retriable: boolean;
  readonly details: Record<string, unknown> | undefined;

  constructor(
    code: string,
    message: string,
    opts: { retriable?: boolean; cause?: unknown; details?: Record<string, unknown> } = {},
  ) {
    super(message, opts.cause === undefined ? undefined : { cause: opts.cause });
    this.name = new.target.name;
    this.code = code;
    this.retriable = opts.retriable ?? false;
    this.details = opts.details;
  }
}

/** Input that does not satisfy a schema or rule; `field` names the offending path. */
export class ValidationError extends HeraldError {
  readonly field: string;

  constructor(field: string, message: string, opts: { cause?: unknown } = {}) {
    super('VALIDATION_FAILED', `${field}: ${message}`, { ...opts, details: { field } });
    this.field = field;
  }
}

/** Configuration (environment) errors; collects every problem so they are reported at once. */
export class ConfigError extends HeraldError {
  readonly problems: readonly string[];

  constructor(problems: readonly string[]) {
    super('CONFIG_INVALID', `invalid configuration:\n  - ${problems.join('\n  - ')}`);
    this.problems = problems;
  }
}

/** A message that cannot be decoded (not Avro, unknown schema id, schema mismatch). */
export class DecodeError extends HeraldError {
  constructor(reason: string, message: string, opts: { cause?: unknown } = {}) {
    super(`DECODE_${reason}`, message, opts);
  }
}

/** True when `err` is a HeraldError marked retriable. Unknown errors are treated as retriable. */
export function isRetriable(err: unknown): boolean {
  return err instanceof HeraldError ? err.retriable : true;
}
