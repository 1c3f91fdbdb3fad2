import type { Logger } from '@herald/logger';
import type { Tracing } from './tracing.js';

/**
 * Stops the app on SIGTERM/SIGINT within `timeoutMs`; exits 0 when it stopped cleanly (1 if the
 * service had failed: exitAfterFailure sets process.exitCode), 1 when it overran or failed. A
 * second signal exits at once. Fatal errors log once and exit non-zero. With `tracing`, the spans
 * still queued are exported once the app stopped (within the same budget).
 */
export function installShutdown(opts: { logger: Logger; stop: () => Promise<void>; timeoutMs: number; tracing?: Tracing }): void {
  const { logger, timeoutMs, tracing } = opts;
  const stop = tracing ? () => opts.stop().finally(() => tracing.shutdown()) : opts.stop;
  let stopping = false;
  const onSignal = (signal: NodeJS.Signals) => {
    if (stopping) {
      logger.warn({ signal }, 'second signal, exiting now');
      process.exit(1);
    }
    stopping = true;
    const t0 = Date.now();
    logger.info({ signal, timeoutMs }, 'shutting down');
    const timer = setTimeout(() => {
      logger.error({ timeoutMs }, 'shutdown timed out');
      process.exit(1);
    }, timeoutMs);
    timer.unref();
    stop().then(
      () => {
        logger.info({ durationMs: Date.now() - t0 }, 'stopped');
        process.exit();
      },
      (err: unknown) => {
        logger.error({ err }, 'shutdown failed');
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', onSignal);
  process.on('SIGINT', onSignal);
  const fatal = (err: unknown) => {
    logger.fatal({ err }, 'fatal error');
    process.exit(1);
  };
  process.on('uncaughtException', fatal);
  process.on('unhandledRejection', fatal);
}
