import type { IncomingHttpHeaders } from 'node:http';
import { DeliveryError } from './delivery-error.js';

/**
 * Parses a Retry-After header (delay-seconds or an HTTP-date) into milliseconds from `now`;
 * undefined when absent or unparsable.
 */
export function parseRetryAfter(value: string | string[] | undefined, now = Date.now()): number | undefined {
  const v = (Array.isArray(value) ? value[0] : value)?.trim();
  if (!v) return undefined;
  if (/^\d+$/.test(v)) return Number(v) * 1000;
  const at = Date.parse(v);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}

/**
 * The delivery outcome of an HTTP status (SPEC §4): 2xx is success (undefined); 408, 429 and 5xx
 * are retriable (Retry-After kept); 410 Gone is permanent and disables the notification; a 3xx that
 * reaches here (no usable Location, or past the HTTP client's redirect cap) is permanent; any other
 * status is permanent.
 */
export function deliveryErrorForStatus(status: number, headers: IncomingHttpHeaders = {}, snippet = ''): DeliveryError | undefined {
  if (status >= 200 && status < 300) return undefined;
  const said = snippet ? `: ${snippet}` : '';
  const retryAfterMs = parseRetryAfter(headers['retry-after']);
  const withRetryAfter = retryAfterMs === undefined ? {} : { retryAfterMs };
  if (status === 408 || status === 429 || (status >= 500 && status < 600)) {
    const errorClass = status >= 500 ? 'http_5xx' : `http_${status}`;
    return new DeliveryError('HTTP_STATUS', `endpoint answered ${status}${said}`, { retriable: true, errorClass, statusCode: status, ...withRetryAfter });
  }
  if (status === 410) {
    return new DeliveryError('HTTP_GONE', `endpoint answered 410 Gone${said}`, { retriable: false, errorClass: 'http_410', statusCode: status, disable: true });
  }
  if (status >= 300 && status < 400) {
    return new DeliveryError('HTTP_REDIRECT', `endpoint answered ${status} with no redirect to follow`, { retriable: false, errorClass: 'redirect', statusCode: status });
  }
  return new DeliveryError('HTTP_STATUS', `endpoint answered ${status}${said}`, { retriable: false, errorClass: 'http_4xx', statusCode: status });
}
