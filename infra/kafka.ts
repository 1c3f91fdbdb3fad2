import { randomBytes } from 'node:crypto';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { createKafka } from '@herald/kafka';
import { KAFKA_VERSION, seconds, type StackConfig } from './config.js';
import { ensureDir, exists, hashFiles, readStamp, replaceWith } from './files.js';
import { run } from './exec.js';
import { requireJava } from './java.js';
import { serverProperties, log4jProperties } from './kafka-files.js';
import { portOpen, withTimeout } from './probes.js';
import { pidFileOf, type Service } from './service.js';
import { spawnDetached } from './processes.js';

const libDir = (cfg: StackConfig): string => join(cfg.cacheDir, 'kafka', 'lib');
const stampFile = (cfg: StackConfig): string => join(cfg.cacheDir, 'kafka', 'lib.sha256');
const pom = (cfg: StackConfig): string => join(cfg.infraDir, 'kafka', 'pom.xml');
const home = (cfg: StackConfig): string => join(cfg.dataDir, 'kafka');
const propsFile = (cfg: StackConfig): string => join(home(cfg), 'server.properties');
const stdoutLog = (cfg: StackConfig): string => join(cfg.logDir, 'kafka.out');

/** The cluster id is made once per data dir; formatting again with another id would be refused. */
async function clusterId(cfg: StackConfig): Promise<string> {
  const file = join(home(cfg), 'cluster-id');
  const existing = (await readFile(file, 'utf8').catch(() => '')).trim();
  if (existing) return existing;
  const id = randomBytes(16).toString('base64url');
  await writeFile(file, `${id}\n`);
  return id;
}

function jvmArgs(cfg: StackConfig, heap: string[], main: string, args: string[]): string[] {
  const log4j = join(home(cfg), 'log4j.properties');
  return [...heap, '-Djava.awt.headless=true', `-Dlog4j.configuration=file:${log4j}`, '-cp', `${libDir(cfg)}/*`, main, ...args];
}

export const kafka: Service = {
  name: 'kafka',
  port: (cfg) => cfg.kafkaPort,
  auxPorts: (cfg) => ({ KAFKA_CONTROLLER_PORT: cfg.kafkaControllerPort }),
  address: (cfg) => `127.0.0.1:${cfg.kafkaPort}`,
  logFiles: (cfg) => [join(cfg.logDir, 'kafka.log'), stdoutLog(cfg)],
  marker: (cfg) => propsFile(cfg),
  readyTimeoutMs: 60_000,
  runTools: ['java17'],
  provisionTools: ['mvn'],

  async stale(cfg) {
    if (!(await exists(libDir(cfg)))) return 'first run';
    return (await readStamp(stampFile(cfg))) === (await hashFiles([pom(cfg)])) ? undefined : 'pom.xml changed';
  },

  async provision(cfg, why, report) {
    const t0 = Date.now();
    report(`kafka: downloading Kafka ${KAFKA_VERSION} jars (${why}, ~1 min)…`);
    await ensureDir(join(cfg.cacheDir, 'kafka'));
    const tmp = `${libDir(cfg)}.tmp-${process.pid}`;
    const logFile = join(cfg.cacheDir, 'kafka', 'provision.log');
    await run('mvn', ['-q', '-B', '-f', pom(cfg), 'dependency:copy-dependencies', `-DoutputDirectory=${tmp}`], { logFile });
    await replaceWith(tmp, libDir(cfg), stampFile(cfg), await hashFiles([pom(cfg)]));
    report(`kafka: jars ready in ${seconds(t0)}`);
  },

  async start(cfg) {
    await ensureDir(home(cfg));
    await writeFile(propsFile(cfg), serverProperties(cfg, join(home(cfg), 'data')));
    await writeFile(join(home(cfg), 'log4j.properties'), log4jProperties(join(cfg.logDir, 'kafka.log')));
    const javaBin = await requireJava(17);
    // Formatting costs a JVM start; skipping it once formatted speeds warm starts on 2 cores.
    if (!(await exists(join(home(cfg), 'data', 'meta.properties')))) {
      const format = ['format', '-t', await clusterId(cfg), '-c', propsFile(cfg), '--ignore-formatted'];
      await run(javaBin, jvmArgs(cfg, ['-Xmx256m'], 'kafka.tools.StorageTool', format), { logFile: stdoutLog(cfg) });
    }
    const args = jvmArgs(cfg, ['-Xms256m', '-Xmx1g'], 'kafka.Kafka', [propsFile(cfg)]);
    return spawnDetached(javaBin, args, { cwd: home(cfg), logFile: stdoutLog(cfg), pidFile: pidFileOf(cfg, 'kafka') });
  },

  async probe(cfg) {
    // kafkajs retries a refused connection for ~30 s; a plain TCP check answers "down" at once.
    if (!(await portOpen(cfg.kafkaPort))) throw new Error('port closed');
    const brokers = [`127.0.0.1:${cfg.kafkaPort}`];
    const admin = createKafka({ brokers, clientId: 'herald-stack', connectionTimeoutMs: 1_000, requestTimeoutMs: 5_000 }).admin();
    const work = (async () => {
      await admin.connect();
      try {
        // A broker that is still fenced is missing from metadata: not ready for clients yet.
        const cluster = await admin.describeCluster();
        if (cluster.brokers.length === 0) throw new Error('no broker registered yet');
      } finally {
        await admin.disconnect();
      }
    })();
    await withTimeout(work, 10_000, 'kafka describeCluster');
  },
};
