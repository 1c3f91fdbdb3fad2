import { join } from 'node:path';
import type { Report, ServiceName, StackConfig } from './config.js';
import type { Tool } from './prereqs.js';

/** What the stack needs to know to provision, start, probe and stop one server. */
export interface Service {
  /** Instance name: pid file, log names, `status` line (`kafka`, `kafka-0`…, `registry`, `ferretdb`). */
  name: string;
  kind: ServiceName;
  port(cfg: StackConfig): number;
  /** Further ports it binds, by the env variable that sets each; checked free before starting. */
  auxPorts(cfg: StackConfig): Record<string, number>;
  /** What clients connect to (broker address, registry base URL, MongoDB URL). */
  address(cfg: StackConfig): string;
  /** Main log first; `logs` and startup failures show their tails. */
  logFiles(cfg: StackConfig): string[];
  /** Appears in the command line of our process only; lets `down` leave foreign processes alone. */
  marker(cfg: StackConfig): string;
  readyTimeoutMs: number;
  /** Tools needed to run it, and (additionally) to provision it when the cache is incomplete. */
  runTools: Tool[];
  provisionTools: Tool[];
  /** Why the cache cannot be used as is ("first run", "pom.xml changed"), or undefined. */
  stale(cfg: StackConfig): Promise<string | undefined>;
  provision(cfg: StackConfig, why: string, report: Report): Promise<void>;
  /** Prepares the data dir and launches the server detached; returns its pid. */
  start(cfg: StackConfig): Promise<number>;
  /** Resolves when the server really answers; rejects otherwise. */
  probe(cfg: StackConfig): Promise<void>;
}

export const pidFileOf = (cfg: StackConfig, name: string): string => join(cfg.dataDir, 'pids', `${name}.pid`);
