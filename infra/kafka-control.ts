// Single-broker control for failure tests: find, kill and restart one broker of the local cluster.
import { loadConfig, type StackConfig } from './config.js';
import { kafkaBrokerList } from './kafka-files.js';
import { kafkaBrokerService } from './kafka.js';
import type { Service } from './service.js';
import { servicePid, startService, stopService, type ControlOptions, type StopOptions } from './service-control.js';
import { StackError } from './stack-error.js';

export type BrokerControlOptions = ControlOptions;
/** SIGTERM on a broker is a controlled shutdown: leadership moves away first. */
export type StopBrokerOptions = StopOptions;

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
  return servicePid(cfg, svc);
}

/** Pids of every broker, by index (undefined: not running, or not started by this stack). */
export async function kafkaBrokerPids(opts: BrokerControlOptions = {}): Promise<(number | undefined)[]> {
  const cfg = loadConfig(opts.env);
  return Promise.all(kafkaBrokerList(cfg).map((_, i) => kafkaBrokerPid(i, opts)));
}

/** Stops broker `index` and resolves once its process is gone. Returns its pid, or undefined if it was not running. */
export async function stopKafkaBroker(index: number, opts: StopBrokerOptions = {}): Promise<number | undefined> {
  const { cfg, svc } = brokerAt(index, opts.env);
  return stopService(cfg, svc, opts);
}

/**
 * Starts broker `index` again (same ports, data and node id) and resolves when it is registered in
 * the cluster again. A broker that is already running is left as it is. Returns its pid.
 */
export async function startKafkaBroker(index: number, opts: BrokerControlOptions = {}): Promise<number | undefined> {
  const { cfg, svc } = brokerAt(index, opts.env);
  return startService(cfg, svc, opts);
}
