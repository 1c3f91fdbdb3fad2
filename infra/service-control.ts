// Kill and restart one server process of the stack (a broker, FerretDB, the schema registry) for
// failure tests; kafka-control.ts and server-control.ts name the server, this does the work.
import { setTimeout as sleep } from 'node:timers/promises';
import { reportToStderr, type Report, type StackConfig } from './config.js';
import { withStackLock } from './lock.js';
import { portOpen } from './probes.js';
import { isOurs, ourPid, removePidFile, stopProcess } from './processes.js';
import { pidFileOf, type Service } from './service.js';
import { StackError } from './stack-error.js';
import { bringUp, find } from './up.js';

export interface ControlOptions {
  /** Describes the stack (HERALD_DATA_DIR, KAFKA_PORT…), as for `ensureStack`; process.env by default. */
  env?: NodeJS.ProcessEnv;
  report?: Report;
}

export interface StopOptions extends ControlOptions {
  /**
   * SIGKILL (default): a crash, nothing flushed or handed over. SIGTERM: a controlled shutdown,
   * SIGKILL after `graceMs` if it has not exited.
   */
  signal?: 'SIGKILL' | 'SIGTERM';
  graceMs?: number;
}

/** Pid of the server if this stack started it and it is alive. */
export function servicePid(cfg: StackConfig, svc: Service): Promise<number | undefined> {
  return ourPid(pidFileOf(cfg, svc.name), svc.marker(cfg));
}

/** Stops the server and resolves once its process is gone and its port closed. Returns its pid, or undefined if it was not running. */
export async function stopService(cfg: StackConfig, svc: Service, opts: StopOptions): Promise<number | undefined> {
  const pidFile = pidFileOf(cfg, svc.name);
  const pid = await ourPid(pidFile, svc.marker(cfg));
  if (pid === undefined) {
    if (await portOpen(svc.port(cfg))) throw new StackError(`${svc.name}: ${svc.address(cfg)} answers but was not started by this stack`);
    return undefined;
  }
  if ((opts.signal ?? 'SIGKILL') === 'SIGTERM') {
    await stopProcess(pid, svc.marker(cfg), opts.graceMs);
  } else {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // already gone
    }
    while (await isOurs(pid, svc.marker(cfg))) await sleep(50);
  }
  await removePidFile(pidFile);
  // The command line vanishes a moment before the sockets close: wait until the port is free too.
  for (let i = 0; i < 100 && (await portOpen(svc.port(cfg), 200)); i++) await sleep(50);
  return pid;
}

/** Starts the server again (same ports and data) and resolves once it is ready. A running one is left as it is. Returns its pid. */
export function startService(cfg: StackConfig, svc: Service, opts: ControlOptions): Promise<number | undefined> {
  const report = opts.report ?? reportToStderr;
  return withStackLock(cfg, report, async () => {
    await bringUp(svc, cfg, await find(svc, cfg), report);
    return servicePid(cfg, svc);
  });
}
