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

async function stopOne(svc: Service, cfg: StackConfig, report: Report): Promise<boolean> {
  const pidFile = pidFileOf(cfg, svc.name);
  const pid = await ourPid(pidFile, svc.marker(cfg));
  if (pid !== undefined) {
    const how = await stopProcess(pid, svc.marker(cfg));
    await removePidFile(pidFile);
    report(`${svc.name}: ${how === 'stopped' ? 'stopped' : 'killed after 20s without exiting on SIGTERM'} (pid ${pid})`);
    return true;
  }
  await removePidFile(pidFile); // stale: that process is gone or is no longer ours
  const running = await portOpen(svc.port(cfg));
  report(`${svc.name}: ${running ? `left alone: ${svc.address(cfg)} answers but was not started by us` : 'not running'}`);
  return false;
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
    const done = await Promise.all(services.map((s) => stopOne(s, cfg, report)));
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
