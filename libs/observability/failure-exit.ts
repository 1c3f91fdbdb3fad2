import type { Registry } from 'prom-client';
import type { Logger } from '@herald/logger';
import { EventLoopWatchdog } from './event-loop-watchdog.js';
import { Lifecycle } from './lifecycle.js';

/** How long /healthz shows an unrecoverable failure before the service stops and exits. */
export const FAILURE_GRACE_MS = 5_000;

export interface ExitAfterFailureOptions {
  lifecycle: Lifecycle;
  logger: Logger;
  /** The service's idempotent stop(), as on SIGTERM. */
  stop: () => Promise<void>;
  graceMs?: number;
  /** Ends the process (tests pass their own). */
  exit?: (code: number) => void;
}

/**
 * When the lifecycle fails: /healthz answers 503 for a short grace (so the orchestrator and a
 * person see why), then the service stops as on SIGTERM and the process exits 1 so that it is
 * restarted. The timer is not unref'd: a process with nothing else left must still exit non-zero,
 * not 0 by running out of work.
 */
export function exitAfterFailure(o: ExitAfterFailureOptions): void {
  const graceMs = o.graceMs ?? FAILURE_GRACE_MS;
  const exit = o.exit ?? ((code: number) => process.exit(code));
  o.lifecycle.onFailed((reason) => {
    o.logger.error({ reason, graceMs }, 'unrecoverable failure: stopping, then exiting non-zero');
    // A SIGTERM during the grace (the orchestrator acting on /healthz) still exits non-zero.
    if (!o.exit) process.exitCode = 1;
    setTimeout(() => {
      o.stop().then(
        () => exit(1),
        (err: unknown) => {
          o.logger.error({ err }, 'stop after failure failed');
          exit(1);
        },
      );
    }, graceMs);
  });
}

export interface ServiceLifecycleOptions {
  logger: Logger;
  registry: Registry;
  /** The service's idempotent stop(), run after a failure's grace. */
  stop: () => Promise<void>;
  /** EVENT_LOOP_STALL_MS: the main loop blocked this long fails the service (0 = not watched). */
  eventLoopStallMs: number;
  graceMs?: number;
  exit?: (code: number) => void;
}

/**
 * A service's lifecycle with what every service does about failure: exit after the grace, and an
 * event-loop watchdog that fails it (start the watchdog in start(), stop it in stop()).
 */
export function createServiceLifecycle(o: ServiceLifecycleOptions): { lifecycle: Lifecycle; watchdog: EventLoopWatchdog } {
  const lifecycle = new Lifecycle({ logger: o.logger, registry: o.registry });
  const graceMs = o.graceMs ?? FAILURE_GRACE_MS;
  exitAfterFailure({ lifecycle, logger: o.logger, stop: o.stop, graceMs, ...(o.exit ? { exit: o.exit } : {}) });
  const stalled = (blockedMs: number) => `event loop blocked for ${blockedMs} ms (bound ${o.eventLoopStallMs} ms)`;
  const watchdog = new EventLoopWatchdog({
    stallMs: o.eventLoopStallMs,
    killAfterMs: graceMs,
    onStall: (blockedMs) => lifecycle.fail(stalled(blockedMs)),
    logFields: o.logger.bindings(),
  });
  // Also when the state is read: the first probe after a blocked loop may come before the message.
  lifecycle.watch(() => {
    const ms = watchdog.stalledMs();
    return ms === undefined ? undefined : stalled(ms);
  });
  return { lifecycle, watchdog };
}
