import { HeraldError } from '@herald/errors';

/** The resource does not exist, or is not visible at this path (HTTP 404). */
export class NotFoundError extends HeraldError {
  constructor(message: string) {
    super('NOT_FOUND', message);
  }
}

/** A route that is documented but not implemented yet (HTTP 501). */
export class NotImplementedError extends HeraldError {
  constructor(message: string) {
    super('NOT_IMPLEMENTED', message);
  }
}

/** The route exists but not for this HTTP method (HTTP 405). */
export class MethodNotAllowedError extends HeraldError {
  readonly allow: readonly string[];

  constructor(allow: readonly string[]) {
    super('METHOD_NOT_ALLOWED', `method not allowed; use ${allow.join(', ')}`);
    this.allow = allow;
  }
}

/** The request conflicts with the resource's current state, e.g. an edit based on an older version (HTTP 409). */
export class ConflictError extends HeraldError {
  constructor(message: string) {
    super('CONFLICT', message);
  }
}

/** A dependency (SMTP, Kafka) failed while serving the request (HTTP 502/503). */
export class UpstreamError extends HeraldError {
  readonly status: 502 | 503;

  constructor(status: 502 | 503, message: string, cause?: unknown) {
    super('UPSTREAM_FAILED', message, { cause, retriable: true });
    this.status = status;
  }
}

/** Too many requests of this kind for now (HTTP 429 with `Retry-After`). */
export class TooManyRequestsError extends HeraldError {
  readonly retryAfterSeconds: number;

  constructor(message: string, retryAfterSeconds: number) {
    super('TOO_MANY_REQUESTS', message, { retriable: true });
    this.retryAfterSeconds = Math.max(1, Math.ceil(retryAfterSeconds));
  }
}
