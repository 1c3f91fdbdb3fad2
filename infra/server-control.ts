// Control of one non-Kafka server of the stack (FerretDB, the schema registry) for failure tests:
// find its pid, kill it, start it again. Brokers have their own (kafka-control.ts).
import { setTimeout as sleep } from 'node:timers/promises';
import { loadConfig, reportToStderr } from './config.js';
import { ferretdb } from './ferretdb.js';
import type { BrokerControlOptions, StopBrokerOptions } from './kafka-control.js';
import { withStackLock } from './lock.js';
import { portOpen } from './probes.js';
import { isOurs, ourPid, removePidFile, stopProcess } from './processes.js';
import { registry } from './registry.js';
import { pidFileOf, type Service } from './service.js';
import { StackError } from './stack-error.js';
import { bringUp, find } from './up.js';

/** The servers this module controls. */
export type StackServerName = 'ferretdb' | 'registry';

const SERVERS: Record<StackServerName, Service> = { ferretdb, registry };

function serverOf(name: StackServerName): Service {
  const svc = SERVERS[name];
  if (svc === undefined) throw new StackError(`no stack server ${String(name)}: expected one of ${Object.keys(SERVERS).join(', ')}`);
  return svc;
}

/** Pid of the server if this stack started it and it is alive. */
export async function stackServerPid(name: StackServerName, opts: BrokerControlOptions = {}): Promise<number | undefined> {
  const cfg = loadConfig(opts.env);
  const svc = serverOf(name);
  return ourPid(pidFileOf(cfg, svc.name), svc.marker(cfg));
}

/**
 * Stops the server (SIGKILL by default: a crash; SIGTERM: SIGKILL after `graceMs`) and resolves once
 * its process is gone and its port closed. Returns its pid, or undefined if it was not running.
 */
export async function stopStackServer(name: StackServerName, opts: StopBrokerOptions = {}): Promise<number | undefined> {
  const cfg = loadConfig(opts.env);
  const svc = serverOf(name);
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
  for (let i = 0; i < 100 && (await portOpen(svc.port(cfg), 200)); i++) await sleep(50);
  return pid;
}

/** Starts the server again (same port and data) and resolves once it answers. Returns its pid. */
export async function startStackServer(name: StackServerName, opts: BrokerControlOptions = {}): Promise<number | undefined> {
  const cfg = loadConfig(opts.env);
  const svc = serverOf(name);
  const report = opts.report ?? reportToStderr;
  return withStackLock(cfg, report, async () => {
    await bringUp(svc, cfg, await find(svc, cfg), report);
    return ourPid(pidFileOf(cfg, svc.name), svc.marker(cfg));
  });
}
