import { int, oneOf, str } from './config.js';
import { kafkaSecurityShape, registrySecurityShape } from './connection.js';
import { stackShape } from './stack-addresses.js';

/** Variables every service shares: where the stack is, logging and shutdown. */
export const commonShape = {
  ...stackShape,
  ...kafkaSecurityShape,
  ...registrySecurityShape,
  KAFKA_CLIENT_ID: str('herald'),
  MONGO_DB: str('herald'),
  LOG_LEVEL: oneOf(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const, 'info'),
  SHUTDOWN_TIMEOUT_MS: int(15_000, 100, 600_000),
  /**
   * The event loop blocked this long fails the service (/healthz 503, exit 1 after a 5 s grace;
   * still blocked after the grace, the process is killed). 0 = not watched.
   */
  EVENT_LOOP_STALL_MS: int(30_000, 0, 3_600_000),
};

/** The operational endpoints (/healthz, /readyz, /metrics) of a service, off its public port. */
export function opsShape(defaultPort: number) {
  return { OPS_HOST: str('127.0.0.1'), OPS_PORT: int(defaultPort, 0, 65_535) };
}
