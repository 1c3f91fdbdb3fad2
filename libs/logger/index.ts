export { createLogger, REDACT_PATHS } from './logger.js';
export type { Logger, LoggerConfig } from './logger.js';
