import { createHash, randomBytes } from 'node:crypto';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { createKafka } from '@herald/kafka';
import { seconds, type Report, type StackConfig } from './config.js';
import { ensureDir, exists, hashFiles, readStamp, replaceWith } from './files.js';
import { run } from './exec.js';
import { requireJava } from './java.js';
import { kafkaBrokerList, kafkaLogging, kafkaMajor, serverProperties, type KafkaBroker } from './kafka-files.js';
import { portOpen, withTimeout } from './probes.js';
import { pidFileOf, type Service } from './service.js';
import { spawnDetached } from './processes.js';
import { StackError } from './stack-error.js';

// Jars are cached per Kafka version, so 4.x and 3.9.2 sit side by side.
const versionDir = (cfg: StackConfig): string => join(cfg.cacheDir, 'kafka', cfg.kafkaVersion);
const libDir = (cfg: StackConfig): string => join(versionDir(cfg), 'lib');
const stampFile = (cfg: StackConfig): string => join(versionDir(cfg), 'lib.sha256');
const pom = (cfg: StackConfig): string => join(cfg.infraDir, 'kafka', 'pom.xml');
const home = (cfg: StackConfig, b: KafkaBroker): string => join(cfg.dataDir, b.name);
const propsFile = (cfg: StackConfig, b: KafkaBroker): string => join(home(cfg, b), 'server.properties');
const serverLog = (cfg: StackConfig, b: KafkaBroker): string => join(cfg.logDir, `${b.name}.log`);
const stdoutLog = (cfg: StackConfig, b: KafkaBroker): string => join(cfg.logDir, `${b.name}.out`);
/** The Kafka version that last ran on a broker's data (absent: formatted by 3.9.2, before this file existed). */
const versionFile = (cfg: StackConfig, b: KafkaBroker): string => join(home(cfg, b), 'kafka-version');

/** The pom's properties for this version: the Kafka artifact and the SLF4J binding of its line. */
function mavenProperties(cfg: StackConfig): string[] {
  const { binding } = kafkaLogging(cfg.kafkaVersion);
  return [
    `-Dkafka.version=${cfg.kafkaVersion}`,
    `-Dlogging.groupId=${binding.groupId}`,
    `-Dlogging.artifactId=${binding.artifactId}`,
    `-Dlogging.version=${binding.version}`,
  ];
}

async function libStamp(cfg: StackConfig): Promise<string> {
  return createHash('sha256')
    .update(await hashFiles([pom(cfg)]))
    .update(mavenProperties(cfg).join(' '))
    .digest('hex');
}

/** One download per version even when several brokers start at once. */
const provisioning = new Map<string, Promise<void>>();

async function provisionJars(cfg: StackConfig, why: string, report: Report): Promise<void> {
  const t0 = Date.now();
  report(`kafka: downloading Kafka ${cfg.kafkaVersion} jars (${why}, ~1 min)…`);
  await ensureDir(versionDir(cfg));
  const tmp = `${libDir(cfg)}.tmp-${process.pid}`;
  const logFile = join(versionDir(cfg), 'provision.log');
  const args = ['-q', '-B', '-f', pom(cfg), 'dependency:copy-dependencies', ...mavenProperties(cfg), `-DoutputDirectory=${tmp}`];
  await run('mvn', args, { logFile });
  await replaceWith(tmp, libDir(cfg), stampFile(cfg), await libStamp(cfg));
  report(`kafka: Kafka ${cfg.kafkaVersion} jars ready in ${seconds(t0)}`);
}

/**
 * The cluster id is made once per data dir and shared by all brokers of a cluster; formatting again
 * with another id would be refused. A single broker keeps it where earlier releases did.
 */
const clusterIds = new Map<string, Promise<string>>();
function clusterId(cfg: StackConfig, b: KafkaBroker): Promise<string> {
  const file = cfg.kafkaBrokers === 1 ? join(home(cfg, b), 'cluster-id') : join(cfg.dataDir, 'kafka-cluster-id');
  let id = clusterIds.get(file);
  if (!id) {
    id = (async () => {
      const existing = (await readFile(file, 'utf8').catch(() => '')).trim();
      if (existing) return existing;
      // Like Kafka's own Uuid.randomUuid: never starting with '-', which reads as an option.
      let fresh = randomBytes(16).toString('base64url');
      while (fresh.startsWith('-')) fresh = randomBytes(16).toString('base64url');
      await writeFile(file, `${fresh}\n`);
      return fresh;
    })();
    clusterIds.set(file, id);
    id.catch(() => clusterIds.delete(file));
  }
  return id;
}

function jvmArgs(cfg: StackConfig, b: KafkaBroker, heap: string[], main: string, args: string[]): string[] {
  const logging = kafkaLogging(cfg.kafkaVersion);
  const config = join(home(cfg, b), logging.configName);
  return [...heap, '-Djava.awt.headless=true', logging.jvmFlag(config), '-cp', `${libDir(cfg)}/*`, main, ...args];
}

/** Kafka reads data of older releases (3.9 → 4.x is a supported upgrade) but not of newer ones. */
async function checkDataVersion(cfg: StackConfig, b: KafkaBroker): Promise<void> {
  const written = (await readFile(versionFile(cfg, b), 'utf8').catch(() => '')).trim();
  if (written && kafkaMajor(written) > kafkaMajor(cfg.kafkaVersion)) {
    throw new StackError(
      `${b.name}: ${home(cfg, b)} holds data of Kafka ${written}, which Kafka ${cfg.kafkaVersion} cannot read; ` +
        `run it with KAFKA_VERSION=${written}, or use another HERALD_DATA_DIR (or \`down --clean\`)`,
    );
  }
  if (written !== cfg.kafkaVersion) {
    await writeFile(versionFile(cfg, b), `${cfg.kafkaVersion}\n`);
  }
}

/** Whether `b` answers and is registered (unfenced) in the cluster's metadata. */
async function probeBroker(b: KafkaBroker): Promise<void> {
  // kafkajs retries a refused connection for ~30 s; a plain TCP check answers "down" at once.
  if (!(await portOpen(b.port))) throw new Error('port closed');
  const admin = createKafka({ brokers: [b.address], clientId: 'herald-stack', connectionTimeoutMs: 1_000, requestTimeoutMs: 5_000 }).admin();
  const work = (async () => {
    await admin.connect();
    try {
      // A broker that is still fenced is missing from metadata: not ready for clients yet.
      const cluster = await admin.describeCluster();
      if (!cluster.brokers.some((x) => x.nodeId === b.nodeId)) throw new Error(`node ${b.nodeId} not registered yet`);
    } finally {
      await admin.disconnect();
    }
  })();
  await withTimeout(work, 10_000, 'kafka describeCluster');
}

/** The stack's service for one broker. */
export function kafkaBrokerService(b: KafkaBroker): Service {
  return {
    name: b.name,
    kind: 'kafka',
    port: () => b.port,
    auxPorts: () => ({ [b.index === 0 ? 'KAFKA_CONTROLLER_PORT' : `KAFKA_CONTROLLER_PORT+${b.index}`]: b.controllerPort }),
    address: () => b.address,
    logFiles: (cfg) => [serverLog(cfg, b), stdoutLog(cfg, b)],
    marker: (cfg) => propsFile(cfg, b),
    // A cluster's brokers wait for a quorum of controllers, started side by side on 2 cores.
    readyTimeoutMs: 90_000,
    runTools: ['java17'],
    provisionTools: ['mvn'],

    async stale(cfg) {
      if (!(await exists(libDir(cfg)))) return 'first run';
      return (await readStamp(stampFile(cfg))) === (await libStamp(cfg)) ? undefined : 'pom.xml changed';
    },

    provision(cfg, why, report) {
      let p = provisioning.get(libDir(cfg));
      if (!p) {
        p = provisionJars(cfg, why, report).finally(() => provisioning.delete(libDir(cfg)));
        provisioning.set(libDir(cfg), p);
      }
      return p;
    },

    async start(cfg) {
      await ensureDir(home(cfg, b));
      await checkDataVersion(cfg, b);
      const logging = kafkaLogging(cfg.kafkaVersion);
      await writeFile(propsFile(cfg, b), serverProperties(cfg, b, join(home(cfg, b), 'data')));
      await writeFile(join(home(cfg, b), logging.configName), logging.config(serverLog(cfg, b)));
      const javaBin = await requireJava(17);
      // Formatting costs a JVM start; skipping it once formatted speeds warm starts on 2 cores.
      if (!(await exists(join(home(cfg, b), 'data', 'meta.properties')))) {
        const format = ['format', `--cluster-id=${await clusterId(cfg, b)}`, '-c', propsFile(cfg, b), '--ignore-formatted'];
        await run(javaBin, jvmArgs(cfg, b, ['-Xmx256m'], 'kafka.tools.StorageTool', format), { logFile: stdoutLog(cfg, b) });
      }
      // A cluster shares 2 cores and the other servers' memory: smaller heaps per broker.
      const heap = cfg.kafkaBrokers === 1 ? ['-Xms256m', '-Xmx1g'] : ['-Xms128m', '-Xmx512m'];
      const args = jvmArgs(cfg, b, heap, 'kafka.Kafka', [propsFile(cfg, b)]);
      return spawnDetached(javaBin, args, { cwd: home(cfg, b), logFile: stdoutLog(cfg, b), pidFile: pidFileOf(cfg, b.name) });
    },

    probe: () => probeBroker(b),
  };
}

/**
 * A cluster creates __consumer_offsets and __transaction_state (RF 3) on first use, which needs
 * every broker up; done right after `up` so a failure test may kill a broker straight away.
 * A group offset fetch makes the first, a transaction (begun and aborted) the second.
 */
export async function createInternalTopics(cfg: StackConfig): Promise<void> {
  const kafka = createKafka({ brokers: kafkaBrokerList(cfg).map((b) => b.address), clientId: 'herald-stack' });
  const admin = kafka.admin();
  const producer = kafka.producer({ transactionalId: 'herald-stack-warmup', idempotent: true, maxInFlightRequests: 1 });
  // kafkajs's admin does not retry a coordinator that is still loading (NOT_COORDINATOR_FOR_GROUP).
  const retrying = async (step: () => Promise<unknown>): Promise<void> => {
    for (let attempt = 1; ; attempt++) {
      try {
        await step();
        return;
      } catch (err) {
        if (attempt >= 30 || (err as { retriable?: boolean }).retriable === false) throw err;
        await sleep(500);
      }
    }
  };
  const work = (async () => {
    await Promise.all([admin.connect(), producer.connect()]);
    await retrying(() => admin.fetchOffsets({ groupId: 'herald-stack-warmup' }));
    await retrying(async () => (await producer.transaction()).abort());
  })();
  try {
    await withTimeout(work, 60_000, 'creating the internal topics');
  } finally {
    await Promise.allSettled([admin.disconnect(), producer.disconnect()]);
  }
}

/** One service per broker of the configured cluster (one for the default single broker). */
export const kafkaServices = (cfg: StackConfig): Service[] => kafkaBrokerList(cfg).map(kafkaBrokerService);
