import { HeraldError } from '@herald/errors';

const NETWORK_ERROR = /ECONNREFUSED|ECONNRESET|ETIMEDOUT|EHOSTUNREACH|ENETUNREACH|ENOTFOUND|EAI_AGAIN|EPIPE|socket hang up|Timeout/i;

/** The HTTP status of a registry client error, if it came from a response. */
export function statusOf(err: unknown): number | undefined {
  const status = (err as { status?: unknown } | null)?.status;
  return typeof status === 'number' ? status : undefined;
}

/**
 * Maps a registry client failure to a HeraldError: a refused schema is permanent, anything else
 * (connection refused, 5xx) is an outage worth retrying.
 */
export function registryError(err: unknown, action: string): HeraldError {
  const status = statusOf(err);
  const message = err instanceof Error ? err.message : String(err);
  if (status === 409) {
    return new HeraldError('SCHEMA_INCOMPATIBLE', `${action}: the registry refused it as incompatible: ${message}`, { cause: err });
  }
  if (status === 422) {
    return new HeraldError('SCHEMA_INVALID', `${action}: the registry refused it as invalid: ${message}`, { cause: err });
  }
  if ((err as Error | null)?.name === 'ConfluentSchemaRegistryCompatibilityError') {
    // The subject exists with another compatibility level (e.g. NONE, set by another client).
    return new HeraldError('SCHEMA_COMPATIBILITY_LEVEL', `${action}: ${message}`, { cause: err });
  }
  if (status === 401 || status === 403) {
    // Not the message's fault: to Herald the registry is unavailable (retried, never a dead letter,
    // named by /readyz) until an operator fixes the credentials; the message says which.
    return new HeraldError(
      'REGISTRY_UNAVAILABLE',
      `${action}: the schema registry refused Herald's credentials (HTTP ${status}); check SCHEMA_REGISTRY_USERNAME and SCHEMA_REGISTRY_PASSWORD`,
      { retriable: true, cause: err },
    );
  }
  // mappersmith reports network failures as a fake 400 response; only the message tells them apart.
  const network = status === 400 && NETWORK_ERROR.test(message);
  if (status !== undefined && status >= 400 && status < 500 && status !== 408 && status !== 429 && !network) {
    return new HeraldError('REGISTRY_REQUEST_FAILED', `${action}: ${message}`, { cause: err });
  }
  return new HeraldError('REGISTRY_UNAVAILABLE', `${action}: ${message}`, { retriable: true, cause: err });
}
