// Single-broker control for failure tests: find, kill and restart one broker of the local cluster.
import { setTimeout as sleep } from 'node:timers/promises';
import { loadConfig, reportToStderr, type Report, type StackConfig } from './config.js';
import { kafkaBrokerList } from './kafka-files.js';
import { kafkaBrokerService } from './kafka.js';
import { withStackLock } from './lock.js';
import { portOpen } from './probes.js';
import { isOurs, ourPid, removePidFile, stopProcess } from './processes.js';
import { pidFileOf, type Service } from './service.js';
import { StackError } from './stack-error.js';
import { bringUp, find } from './up.js';

export interface BrokerControlOptions {
  /** Describes the stack (HERALD_DATA_DIR, KAFKA_PORT…), as for `ensureStack`; process.env by default. */
  env?: NodeJS.ProcessEnv;
  report?: Report;
}

function brokerAt(index: number, env: NodeJS.ProcessEnv | undefined): { cfg: StackConfig; svc: Service } {
  const cfg = loadConfig(env);
  const b = kafkaBrokerList(cfg)[index];
  if (!Number.isInteger(index) || b === undefined) {
    throw new StackError(`no Kafka broker ${index}: this stack has ${cfg.kafkaBrokers} (indexes 0-${cfg.kafkaBrokers - 1})`);
  }
  return { cfg, svc: kafkaBrokerService(b) };
}

/** Pid of broker `index` (0-based) if this stack started it and it is alive. */
export async function kafkaBrokerPid(index: number, opts: BrokerControlOptions = {}): Promise<number | undefined> {
  const { cfg, svc } = brokerAt(index, opts.env);
  return ourPid(pidFileOf(cfg, svc.name), svc.marker(cfg));
}

/** Pids of every broker, by index (undefined: not running, or not started by this stack). */
export async function kafkaBrokerPids(opts: BrokerControlOptions = {}): Promise<(number | undefined)[]> {
  const cfg = loadConfig(opts.env);
  return Promise.all(kafkaBrokerList(cfg).map((_, i) => kafkaBrokerPid(i, opts)));
}

export interface StopBrokerOptions extends BrokerControlOptions {
  /**
   * SIGKILL (default): a crash, nothing flushed or handed over. SIGTERM: a controlled shutdown
   * (leadership moved away first), SIGKILL after `graceMs` if it has not exited.
   */
  signal?: 'SIGKILL' | 'SIGTERM';
  graceMs?: number;
}

/** Stops broker `index` and resolves once its process is gone. Returns its pid, or undefined if it was not running. */
export async function stopKafkaBroker(index: number, opts: StopBrokerOptions = {}): Promise<number | undefined> {
  const { cfg, svc } = brokerAt(index, opts.env);
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

/**
 * Starts broker `index` again (same ports, data and node id) and resolves when it is registered in
 * the cluster again. A broker that is already running is left as it is. Returns its pid.
 */
export async function startKafkaBroker(index: number, opts: BrokerControlOptions = {}): Promise<number | undefined> {
  const { cfg, svc } = brokerAt(index, opts.env);
  const report = opts.report ?? reportToStderr;
  return withStackLock(cfg, report, async () => {
    await bringUp(svc, cfg, await find(svc, cfg), report);
    return ourPid(pidFileOf(cfg, svc.name), svc.marker(cfg));
  });
}
