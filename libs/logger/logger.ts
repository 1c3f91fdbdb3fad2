import { pino, type DestinationStream, type Logger, type LoggerOptions } from 'pino';

export type { Logger } from 'pino';

/**
 * Paths whose values are secrets wherever they appear in a log record. Redaction lives here, in the
 * logger config, so no caller has to remember it.
 */
export const REDACT_PATHS = [
  'password',
  'secret',
  'token',
  'authorization',
  'signing_secret',
  'previous_signing_secret',
  'notification_token',
  'flow_api_token',
  '*.password',
  '*.secret',
  '*.token',
  '*.authorization',
  '*.signing_secret',
  '*.previous_signing_secret',
  '*.notification_token',
  '*.flow_api_token',
  '*.url',
  'config.*',
  '*.config.*',
  'req.headers.authorization',
  'req.headers.cookie',
  'headers.authorization',
];

export interface LoggerConfig {
  service: string;
  level?: string;
  /** Write to this destination instead of stdout (tests). */
  destination?: NodeJS.WritableStream;
}

/** The process's root logger: JSON lines, `service` on every record, secrets redacted. */
export function createLogger(cfg: LoggerConfig): Logger {
  const opts: LoggerOptions = {
    level: cfg.level ?? 'info',
    base: { service: cfg.service },
    redact: { paths: REDACT_PATHS, censor: '[redacted]' },
    timestamp: pino.stdTimeFunctions.isoTime,
  };
  return cfg.destination ? pino(opts, cfg.destination as DestinationStream) : pino(opts);
}
