import { DeliveryError } from '@herald/delivery';

// Failures of the connection or the session, not of this message: another attempt may well succeed.
const TRANSIENT_CODES = new Set(['ECONNECTION', 'ETIMEDOUT', 'ESOCKET', 'EDNS', 'ETLS', 'EPROTOCOL', 'EAUTH', 'ECONNRESET', 'ECONNREFUSED']);

/**
 * Classifies a nodemailer error for the delivery runtime (SPEC §4, RFC 5321): a 4xx reply is a
 * transient refusal → retry; a 5xx reply for this message (e.g. 550 unknown mailbox) is permanent →
 * dead-letter. Connection, TLS and authentication failures are the SMTP relay's problem, not the
 * message's, and are retried so an operator can fix the relay without losing mail. The message keeps
 * the server's reply (no credentials ever appear in it).
 */
export function classifySmtpError(err: unknown): DeliveryError {
  const e = (typeof err === 'object' && err !== null ? err : {}) as { code?: unknown; responseCode?: unknown; response?: unknown; message?: unknown };
  const code = typeof e.code === 'string' ? e.code : undefined;
  const status = typeof e.responseCode === 'number' ? e.responseCode : undefined;
  const reply = (typeof e.response === 'string' ? e.response : typeof e.message === 'string' ? e.message : String(err)).slice(0, 500);
  const withStatus = status === undefined ? {} : { statusCode: status };
  if (code !== undefined && TRANSIENT_CODES.has(code)) {
    return new DeliveryError('SMTP_UNAVAILABLE', `SMTP ${code}: ${reply}`, { retriable: true, errorClass: 'smtp_connection', cause: err, ...withStatus });
  }
  if (status !== undefined && status >= 500 && status < 600) {
    return new DeliveryError('SMTP_REJECTED', `SMTP ${status}: ${reply}`, { retriable: false, errorClass: 'smtp_5xx', cause: err, ...withStatus });
  }
  if (status !== undefined && status >= 400 && status < 500) {
    return new DeliveryError('SMTP_TRANSIENT', `SMTP ${status}: ${reply}`, { retriable: true, errorClass: 'smtp_4xx', cause: err, ...withStatus });
  }
  return new DeliveryError('SMTP_FAILED', `SMTP: ${reply}`, { retriable: true, errorClass: 'smtp', cause: err, ...withStatus });
}
