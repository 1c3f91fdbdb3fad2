import { readdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { APICURIO_VERSION, seconds, type StackConfig } from './config.js';
import { ensureDir, exists, replaceWith } from './files.js';
import { run } from './exec.js';
import { requireJava } from './java.js';
import { pidFileOf, type Service } from './service.js';
import { spawnDetached } from './processes.js';

const appDir = (cfg: StackConfig): string => join(cfg.cacheDir, 'apicurio', APICURIO_VERSION);
const home = (cfg: StackConfig): string => join(cfg.dataDir, 'registry');
const baseUrl = (cfg: StackConfig): string => `http://127.0.0.1:${cfg.registryPort}/apis/ccompat/v7`;

export const registry: Service = {
  name: 'registry',
  kind: 'registry',
  port: (cfg) => cfg.registryPort,
  auxPorts: (cfg) => ({ REGISTRY_MANAGEMENT_PORT: cfg.registryManagementPort }),
  address: baseUrl,
  logFiles: (cfg) => [join(cfg.logDir, 'registry.log')],
  marker: (cfg) => `-Dherald.stack.registry=${home(cfg)}`,
  readyTimeoutMs: 90_000,
  runTools: ['java21'],
  provisionTools: ['mvn'],

  async stale(cfg) {
    return (await exists(join(appDir(cfg), 'quarkus-run.jar'))) ? undefined : 'first run';
  },

  async provision(cfg, why, report) {
    const t0 = Date.now();
    report(`registry: downloading Apicurio Registry ${APICURIO_VERSION} (${why}, ~160 MB)…`);
    const parent = join(cfg.cacheDir, 'apicurio');
    const download = join(parent, `download.tmp-${process.pid}`);
    const tmp = `${appDir(cfg)}.tmp-${process.pid}`;
    await ensureDir(tmp);
    const logFile = join(parent, 'provision.log');
    const artifact = `io.apicurio:apicurio-registry-app:${APICURIO_VERSION}:tar.gz:all`;
    // Runs in the cache dir so no project pom is picked up; the artifact stays in ~/.m2 too.
    const copy = ['-q', '-B', 'dependency:copy', `-Dartifact=${artifact}`, `-DoutputDirectory=${download}`];
    await run('mvn', copy, { cwd: parent, logFile });
    const [tarball] = (await readdir(download)).filter((f) => f.endsWith('.tar.gz'));
    if (!tarball) throw new Error(`maven copied no tarball into ${download}`);
    await run('tar', ['-xzf', join(download, tarball), '-C', tmp], { logFile });
    await replaceWith(tmp, appDir(cfg));
    await rm(download, { recursive: true, force: true });
    report(`registry: Apicurio Registry ready in ${seconds(t0)}`);
  },

  async start(cfg) {
    await ensureDir(home(cfg));
    const args = [
      '-Xms64m',
      '-Xmx512m',
      // C1 only: starts ~30% faster on 2 cores; the registry's request load here never needs C2.
      '-XX:TieredStopAtLevel=1',
      registry.marker(cfg),
      `-Dquarkus.http.host=127.0.0.1`,
      `-Dquarkus.http.port=${cfg.registryPort}`,
      `-Dquarkus.management.host=127.0.0.1`,
      `-Dquarkus.management.port=${cfg.registryManagementPort}`,
      // Subjects created by any client get BACKWARD, which @kafkajs/confluent-schema-registry expects.
      '-Dapicurio.rules.global.compatibility=BACKWARD',
      // One line per request would dominate the log during test runs.
      '-Dquarkus.http.access-log.enabled=false',
      '-jar',
      join(appDir(cfg), 'quarkus-run.jar'),
    ];
    // File-backed H2: schema ids must survive restarts because Kafka keeps messages that name them.
    const env = {
      ...process.env,
      APICURIO_STORAGE_KIND: 'sql',
      APICURIO_STORAGE_SQL_KIND: 'h2',
      APICURIO_DATASOURCE_URL: `jdbc:h2:file:${join(home(cfg), 'registry')}`,
    };
    const logFile = join(cfg.logDir, 'registry.log');
    // Apicurio 3.3 is compiled for Java 21 (class file 65).
    return spawnDetached(await requireJava(21), args, { cwd: home(cfg), env, logFile, pidFile: pidFileOf(cfg, 'registry') });
  },

  async probe(cfg) {
    // The signal also bounds reading the body.
    const res = await fetch(`${baseUrl(cfg)}/subjects`, { signal: AbortSignal.timeout(3_000) });
    if (res.status !== 200) throw new Error(`GET /subjects answered ${res.status}`);
    if (!Array.isArray(await res.json())) throw new Error('GET /subjects did not answer a JSON array');
  },
};
