// Control of one non-Kafka server of the stack (FerretDB, the schema registry) for failure tests:
// find its pid, kill it, start it again. Brokers have their own (kafka-control.ts).
import { loadConfig } from './config.js';
import { ferretdb } from './ferretdb.js';
import { registry } from './registry.js';
import type { Service } from './service.js';
import { servicePid, startService, stopService, type ControlOptions, type StopOptions } from './service-control.js';
import { StackError } from './stack-error.js';

/** The servers this module controls. */
export type StackServerName = 'ferretdb' | 'registry';

const SERVERS: Record<StackServerName, Service> = { ferretdb, registry };

function serverOf(name: StackServerName): Service {
  const svc = SERVERS[name];
  if (svc === undefined) throw new StackError(`no stack server ${String(name)}: expected one of ${Object.keys(SERVERS).join(', ')}`);
  return svc;
}

/** Pid of the server if this stack started it and it is alive. */
export async function stackServerPid(name: StackServerName, opts: ControlOptions = {}): Promise<number | undefined> {
  return servicePid(loadConfig(opts.env), serverOf(name));
}

/**
 * Stops the server (SIGKILL by default: a crash; SIGTERM: SIGKILL after `graceMs`) and resolves once
 * its process is gone and its port closed. Returns its pid, or undefined if it was not running.
 */
export async function stopStackServer(name: StackServerName, opts: StopOptions = {}): Promise<number | undefined> {
  return stopService(loadConfig(opts.env), serverOf(name), opts);
}

/** Starts the server again (same port and data) and resolves once it answers. Returns its pid. */
export async function startStackServer(name: StackServerName, opts: ControlOptions = {}): Promise<number | undefined> {
  return startService(loadConfig(opts.env), serverOf(name), opts);
}
