import type { Logger } from '@herald/logger';

export interface ShutdownOptions {
  logger: Logger;
  stop: () => Promise<void>;
  timeoutMs: number;
}

/**
 * SIGINT/SIGTERM stop the app (bounded by `timeoutMs`), then exit; an uncaught error or an unhandled
 * rejection is logged once and exits non-zero.
 */
export function installShutdown({ logger, stop, timeoutMs }: ShutdownOptions): void {
  let exiting = false;
  const exit = (code: number, reason: string, err?: unknown): void => {
    if (exiting) return;
    exiting = true;
    if (err === undefined) logger.info({ reason }, 'shutting down');
    else logger.fatal({ err, reason }, 'shutting down after a fatal error');
    const timer = setTimeout(() => {
      logger.error({ timeoutMs }, 'shutdown timed out');
      process.exit(1);
    }, timeoutMs);
    timer.unref();
    stop().then(
      () => process.exit(code),
      (e: unknown) => {
        logger.error({ err: e }, 'shutdown failed');
        process.exit(1);
      },
    );
  };
  process.once('SIGTERM', () => exit(0, 'SIGTERM'));
  process.once('SIGINT', () => exit(0, 'SIGINT'));
  process.on('uncaughtException', (err) => exit(1, 'uncaughtException', err));
  process.on('unhandledRejection', (err) => exit(1, 'unhandledRejection', err));
}
