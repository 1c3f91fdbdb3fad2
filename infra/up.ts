import { rm, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { brokerCountFile, loadConfig, reportToStderr, seconds, SERVICE_NAMES, type Report, type ServiceName, type StackConfig } from './config.js';
import { ensureDir } from './files.js';
import { ferretdb } from './ferretdb.js';
import { kafkaBootstrapServers, kafkaBrokerList } from './kafka-files.js';
import { createInternalTopics, kafkaServices } from './kafka.js';
import { withStackLock } from './lock.js';
import { serviceLogTail } from './logs.js';
import { checkPrerequisites, type Tool } from './prereqs.js';
import { portOpen } from './probes.js';
import { isOurs, ourPid } from './processes.js';
import { registry } from './registry.js';
import { pidFileOf, type Service } from './service.js';
import { stackServices } from './services.js';
import { StackError } from './stack-error.js';

export interface StackInfo {
  /** host:port of every broker, broker 0 first. */
  kafkaBrokers: string[];
  /** The same, comma-separated (what KAFKA_BROKERS takes). */
  kafkaBootstrap: string;
  kafkaVersion: string;
  /** Confluent-compatible API base, e.g. http://127.0.0.1:8081/apis/ccompat/v7 */
  registryUrl: string;
  mongoUrl: string;
  /** Services this call started (not those it found running). */
  startedByUs: ServiceName[];
}

export interface EnsureOptions {
  env?: NodeJS.ProcessEnv;
  /** Progress lines; stderr by default. */
  report?: Report;
  /** Kafka brokers (`up --brokers N`); else KAFKA_BROKER_COUNT, else what this data dir last ran, else 1. */
  brokers?: number;
  /** Bring up only these (e.g. `['kafka']`); all by default. */
  services?: readonly ServiceName[];
}

export type Found = { kind: 'ours'; pid: number } | { kind: 'foreign' } | { kind: 'absent'; stale?: string };

/** Whether the server runs (started by us, or someone else's on its port) or must be started. */
export async function find(svc: Service, cfg: StackConfig): Promise<Found> {
  const pid = await ourPid(pidFileOf(cfg, svc.name), svc.marker(cfg));
  if (pid !== undefined) return { kind: 'ours', pid };
  if (await portOpen(svc.port(cfg))) return { kind: 'foreign' };
  return { kind: 'absent', stale: await svc.stale(cfg) };
}

/** Polls the real readiness probe; gives up early if our process died. */
export async function waitReady(svc: Service, cfg: StackConfig, pid?: number): Promise<void> {
  const deadline = Date.now() + svc.readyTimeoutMs;
  let lastError = '';
  while (Date.now() < deadline) {
    try {
      await svc.probe(cfg);
      return;
    } catch (err) {
      lastError = err instanceof Error ? err.message : String(err);
    }
    if (pid !== undefined && !(await isOurs(pid, svc.marker(cfg)))) {
      throw new StackError(`${svc.name} exited during startup\n${await serviceLogTail(svc, cfg, 30)}`);
    }
    await sleep(500);
  }
  const who = pid === undefined ? `the process already listening on port ${svc.port(cfg)}` : `pid ${pid}`;
  const tail = await serviceLogTail(svc, cfg, 30);
  throw new StackError(`${svc.name} (${who}) was not ready within ${svc.readyTimeoutMs / 1000}s (last probe: ${lastError})\n${tail}`);
}

/** Tools for the servers that must be started here, plus provisioning tools where the cache is stale. */
function toolsNeeded(services: Service[], found: Found[]): Tool[] {
  return services.flatMap((s, i) => {
    const f = found[i];
    if (f?.kind !== 'absent') return [];
    return f.stale ? [...s.runTools, ...s.provisionTools] : s.runTools;
  });
}

export async function bringUp(svc: Service, cfg: StackConfig, found: Found, report: Report): Promise<boolean> {
  const t0 = Date.now();
  const addr = svc.address(cfg);
  if (found.kind === 'ours') {
    await waitReady(svc, cfg, found.pid);
    report(`${svc.name}: already running at ${addr} (pid ${found.pid}, started earlier by this script)`);
    return false;
  }
  if (found.kind === 'foreign') {
    await waitReady(svc, cfg);
    report(`${svc.name}: reusing the server already answering at ${addr} (not started by us)`);
    return false;
  }
  // A busy side port would only show up as a bind error deep in the server's log.
  for (const [name, port] of Object.entries(svc.auxPorts(cfg))) {
    if (await portOpen(port)) throw new StackError(`${svc.name}: port ${port} (${name}) is already in use by another process`);
  }
  if (found.stale) await svc.provision(cfg, found.stale, report);
  const t1 = Date.now();
  const pid = await svc.start(cfg);
  await waitReady(svc, cfg, pid);
  const provisioned = found.stale ? ` (${seconds(t0)} including first-time setup)` : '';
  report(`${svc.name}: up at ${addr} (pid ${pid}) in ${seconds(t1)}${provisioned}`);
  return true;
}

/**
 * Brings Kafka, the schema registry and FerretDB up on loopback, reusing whatever already answers.
 * Servers it starts keep running after the caller exits; `stopStack()` stops them.
 */
export async function ensureStack(opts: EnsureOptions = {}): Promise<StackInfo> {
  const t0 = Date.now();
  const cfg = loadConfig(opts.env, { kafkaBrokers: opts.brokers });
  const report = opts.report ?? reportToStderr;
  const services = stackServices(cfg, opts.services);
  // Missing tools fail before anything is written; the state is looked at again under the lock.
  await checkPrerequisites(toolsNeeded(services, await Promise.all(services.map((s) => find(s, cfg)))));
  return withStackLock(cfg, report, async () => {
    await refuseOtherLayout(cfg, opts.env);
    const found = await Promise.all(services.map((s) => find(s, cfg)));
    await checkPrerequisites(toolsNeeded(services, found));
    await Promise.all([ensureDir(cfg.logDir), ensureDir(dirname(pidFileOf(cfg, 'kafka')))]);
    const withKafka = services.some((s) => s.kind === 'kafka');
    // Only a cluster is recorded: a data dir without the file runs the default single broker.
    if (withKafka && cfg.kafkaBrokers > 1) await writeFile(brokerCountFile(cfg.dataDir), `${cfg.kafkaBrokers}\n`);
    if (withKafka && cfg.kafkaBrokers === 1) await rm(brokerCountFile(cfg.dataDir), { force: true });

    // Each server provisions, starts and becomes ready independently of the others.
    const results = await Promise.allSettled(services.map((s, i) => bringUp(s, cfg, found[i] as Found, report)));
    const failures = results.flatMap((r) => (r.status === 'rejected' ? [r.reason as unknown] : []));
    if (failures.length > 0) {
      throw new StackError(failures.map((e) => (e instanceof Error ? e.message : String(e))).join('\n\n'));
    }
    if (withKafka && cfg.kafkaBrokers > 1) {
      const t1 = Date.now();
      await createInternalTopics(cfg);
      report(`kafka: __consumer_offsets and __transaction_state ready on all ${cfg.kafkaBrokers} brokers in ${seconds(t1)}`);
    }
    const started = new Set(services.filter((_, i) => results[i]?.status === 'fulfilled' && results[i].value).map((s) => s.kind));
    report(`stack ready in ${seconds(t0)}${cfg.kafkaBrokers > 1 ? ` (Kafka bootstrap ${kafkaBootstrapServers(cfg)})` : ''}`);
    return {
      kafkaBrokers: kafkaBrokerList(cfg).map((b) => b.address),
      kafkaBootstrap: kafkaBootstrapServers(cfg),
      kafkaVersion: cfg.kafkaVersion,
      registryUrl: registry.address(cfg),
      mongoUrl: ferretdb.address(cfg),
      startedByUs: SERVICE_NAMES.filter((n) => started.has(n)),
    };
  });
}

/**
 * A data dir runs one Kafka layout at a time: `up --brokers 3` while its single broker runs (or the
 * other way round) would bind the same client ports. Says what to do instead of failing on a port.
 */
async function refuseOtherLayout(cfg: StackConfig, env: NodeJS.ProcessEnv | undefined): Promise<void> {
  const recorded = loadConfig({ ...(env ?? process.env), KAFKA_BROKER_COUNT: '' });
  if (recorded.kafkaBrokers === cfg.kafkaBrokers) return;
  const running = await Promise.all(kafkaServices(recorded).map((s) => ourPid(pidFileOf(recorded, s.name), s.marker(recorded))));
  if (running.some((pid) => pid !== undefined)) {
    throw new StackError(
      `this data dir (${cfg.dataDir}) runs ${recorded.kafkaBrokers} Kafka broker(s); ` +
        `\`down\` first, or use --brokers ${recorded.kafkaBrokers} (or another HERALD_DATA_DIR)`,
    );
  }
}
