import { HeraldError } from '@herald/errors';

export interface DeliveryErrorOptions {
  retriable: boolean;
  /** Short, stable class for results and metrics: `http_5xx`, `http_4xx`, `redirect`, `timeout`, `config`… */
  errorClass: string;
  statusCode?: number;
  /** The receiver's Retry-After, in ms (the runtime bounds it by its longest delay). */
  retryAfterMs?: number;
  /** Disable the notification now (HTTP 410 Gone). */
  disable?: boolean;
  cause?: unknown;
}

/**
 * A failed delivery attempt as a sender reports it. `retriable` (from HeraldError) decides retry
 * topic vs dead-letter topic; nothing else does. Messages never contain secrets (no URLs, tokens).
 */
export class DeliveryError extends HeraldError {
  readonly errorClass: string;
  readonly statusCode: number | undefined;
  readonly retryAfterMs: number | undefined;
  readonly disable: boolean;

  constructor(code: string, message: string, opts: DeliveryErrorOptions) {
    super(code, message, { retriable: opts.retriable, cause: opts.cause, details: { errorClass: opts.errorClass } });
    this.errorClass = opts.errorClass;
    this.statusCode = opts.statusCode;
    this.retryAfterMs = opts.retryAfterMs;
    this.disable = opts.disable ?? false;
  }
}

/** A notification whose configuration cannot be delivered to (missing URL, bad template): permanent. */
export function configError(message: string, cause?: unknown): DeliveryError {
  return new DeliveryError('CONFIG_INVALID', message, { retriable: false, errorClass: 'config', cause });
}

/** The short class of any error for results and metrics. */
export function errorClassOf(err: unknown): string {
  if (err instanceof DeliveryError) return err.errorClass;
  const details = (err as { details?: { errorClass?: unknown } } | null)?.details;
  if (typeof details?.errorClass === 'string') return details.errorClass;
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code.toLowerCase() : 'internal';
}
