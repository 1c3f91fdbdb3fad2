import { HeraldError } from '@herald/errors';

export class UnauthorizedError extends HeraldError {
  constructor(message: string) {
    super('UNAUTHORIZED', message);
  }
}

export class UnsupportedMediaTypeError extends HeraldError {
  constructor(message: string) {
    super('UNSUPPORTED_MEDIA_TYPE', message);
  }
}

/** Past a registry's rate or the service's in-flight limit: 429 with Retry-After. */
export class TooManyRequestsError extends HeraldError {
  readonly retryAfterSeconds: number;
  constructor(message: string, retryAfterSeconds: number) {
    super('TOO_MANY_REQUESTS', message, { retriable: true });
    this.retryAfterSeconds = Math.max(1, Math.ceil(retryAfterSeconds));
  }
}

/** Kafka did not acknowledge: nothing is promised, the registry retries (503). */
export class UnavailableError extends HeraldError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('UNAVAILABLE', message, { retriable: true, ...options });
  }
}
