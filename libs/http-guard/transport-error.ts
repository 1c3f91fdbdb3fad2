import { HeraldError } from '@herald/errors';
import { timedOut, type Cancellation } from './cancellation.js';

const TIMEOUT_CODES = new Set(['UND_ERR_CONNECT_TIMEOUT', 'UND_ERR_HEADERS_TIMEOUT', 'UND_ERR_BODY_TIMEOUT', 'ETIMEDOUT']);
const TLS_CODE = /^(ERR_TLS_|ERR_SSL_|CERT_|UNABLE_TO_|DEPTH_ZERO_|SELF_SIGNED_|ERR_OSSL_)/;

function codeOf(err: unknown): string | undefined {
  for (let e: unknown = err, i = 0; e && i < 5; e = (e as { cause?: unknown }).cause, i++) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string' && code !== 'UND_ERR_SOCKET' && code !== 'UND_ERR') return code;
  }
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : undefined;
}

/**
 * Maps a failed HTTP exchange to a HeraldError with `details.errorClass` (timeout, connection, tls,
 * aborted). All are retriable: the endpoint may come back. HeraldErrors (the SSRF guard's) pass
 * through unchanged. Messages carry the host, never the URL (it may hold credentials).
 */
export function transportError(err: unknown, host: string, cancel: Pick<Cancellation, 'aborted' | 'reason'> | undefined): HeraldError {
  if (err instanceof HeraldError) return err;
  if (cancel?.aborted) {
    return timedOut(cancel)
      ? new HeraldError('HTTP_TIMEOUT', `no response from ${host} within the attempt timeout`, { retriable: true, details: { errorClass: 'timeout' } })
      : new HeraldError('HTTP_ABORTED', `request to ${host} aborted`, { retriable: true, details: { errorClass: 'aborted' } });
  }
  const code = codeOf(err) ?? '';
  const text = err instanceof Error ? err.message : String(err);
  if (TIMEOUT_CODES.has(code)) {
    return new HeraldError('HTTP_TIMEOUT', `${host}: ${code}`, { retriable: true, cause: err, details: { errorClass: 'timeout' } });
  }
  if (TLS_CODE.test(code)) {
    return new HeraldError('HTTP_TLS_FAILED', `TLS with ${host} failed: ${code}`, { retriable: true, cause: err, details: { errorClass: 'tls' } });
  }
  return new HeraldError('HTTP_CONNECTION_FAILED', `${host}: ${code || text}`.slice(0, 300), {
    retriable: true,
    cause: err,
    details: { errorClass: 'connection' },
  });
}
