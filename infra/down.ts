import { homedir } from 'node:os';
import { relative, isAbsolute } from 'node:path';
import { rm } from 'node:fs/promises';
import { brokerCountFile, loadConfig, reportToStderr, SERVICE_NAMES, type Report, type ServiceName, type StackConfig } from './config.js';
import { withStackLock } from './lock.js';
import { portOpen } from './probes.js';
import { ourPid, removePidFile, stopProcess } from './processes.js';
import { pidFileOf, type Service } from './service.js';
import { stackServices } from './services.js';
import { StackError } from './stack-error.js';

export interface StopOptions {
  /** Also delete the data dir (Kafka logs, registry database, FerretDB files); downloads stay. */
  clean?: boolean;
  env?: NodeJS.ProcessEnv;
  report?: Report;
  /** Kafka brokers to stop (`--brokers N`); by default those this data dir last ran. */
  brokers?: number;
  /** Stop only these (e.g. `['kafka']`); all by default. `clean` needs all. */
  services?: readonly ServiceName[];
}

async function stopOne(svc: Service, cfg: StackConfig, report: Report, graceMs = 20_000, why = ''): Promise<boolean> {
  const pidFile = pidFileOf(cfg, svc.name);
  const pid = await ourPid(pidFile, svc.marker(cfg));
  if (pid !== undefined) {
    const how = await stopProcess(pid, svc.marker(cfg), graceMs);
    await removePidFile(pidFile);
    const killed = graceMs > 0 ? `killed after ${graceMs / 1000}s without exiting on SIGTERM` : 'killed';
    report(`${svc.name}: ${how === 'stopped' ? 'stopped' : killed} (pid ${pid})${why}`);
    return true;
  }
  await removePidFile(pidFile); // stale: that process is gone or is no longer ours
  const running = await portOpen(svc.port(cfg));
  report(`${svc.name}: ${running ? `left alone: ${svc.address(cfg)} answers but was not started by us` : 'not running'}`);
  return false;
}

/**
 * A cluster's brokers stop one after the other, each with a controlled shutdown while a controller
 * quorum is left. The last one has none (its shutdown waits for a quorum forever), so it is killed:
 * its next start recovers its logs, which on this data takes a moment.
 */
async function stopCluster(brokers: Service[], cfg: StackConfig, report: Report): Promise<boolean[]> {
  const pids = await Promise.all(brokers.map((b) => ourPid(pidFileOf(cfg, b.name), b.marker(cfg))));
  const lastRunning = pids.findIndex((p) => p !== undefined);
  const done: boolean[] = [];
  for (let i = brokers.length - 1; i >= 0; i--) {
    const last = i === lastRunning;
    done[i] = await stopOne(brokers[i] as Service, cfg, report, last ? 0 : 20_000, last ? ' (last broker: no controller quorum left for a clean shutdown)' : '');
  }
  return done;
}

const contains = (dir: string, path: string): boolean => {
  const rel = relative(dir, path);
  return rel === '' || (!rel.startsWith('..') && !isAbsolute(rel));
};

/** Stops only the servers this stack started (per pid file and command line). Returns their names. */
export async function stopStack(opts: StopOptions = {}): Promise<ServiceName[]> {
  const cfg = loadConfig(opts.env, { kafkaBrokers: opts.brokers });
  const report = opts.report ?? reportToStderr;
  const services = stackServices(cfg, opts.services);
  if (opts.clean && opts.services !== undefined) throw new StackError('`down --clean` deletes the whole data dir: it stops every server');
  if (opts.clean) {
    // HERALD_DATA_DIR is user input: never let a typo wipe the downloads, the repo or a home dir.
    const precious = [cfg.cacheDir, cfg.infraDir, homedir(), process.cwd()].filter((p) => contains(cfg.dataDir, p));
    if (precious.length > 0) throw new StackError(`refusing to delete ${cfg.dataDir}: it contains ${precious.join(', ')}`);
  }
  const stopped = await withStackLock(cfg, report, async () => {
    const brokers = cfg.kafkaBrokers > 1 ? services.filter((s) => s.kind === 'kafka') : [];
    const others = services.filter((s) => !brokers.includes(s));
    const [clusterDone, othersDone] = await Promise.all([stopCluster(brokers, cfg, report), Promise.all(others.map((s) => stopOne(s, cfg, report)))]);
    const done = services.map((s) => (brokers.includes(s) ? clusterDone[brokers.indexOf(s)] : othersDone[others.indexOf(s)]) ?? false);
    // The next `up` starts the default single broker again unless told otherwise.
    if (services.some((s) => s.kind === 'kafka')) await rm(brokerCountFile(cfg.dataDir), { force: true });
    if (opts.clean) {
      await rm(cfg.dataDir, { recursive: true, force: true });
      report(`deleted ${cfg.dataDir}`);
    }
    return done;
  });
  const kinds = new Set(services.filter((_, i) => stopped[i]).map((s) => s.kind));
  return SERVICE_NAMES.filter((n) => kinds.has(n));
}
