import { join } from 'node:path';
import { createMongoClient } from '@herald/mongo';
import { FERRETDB_VERSION, seconds, type StackConfig } from './config.js';
import { ensureDir, exists, hashFiles, readStamp, replaceWith } from './files.js';
import { run } from './exec.js';
import { portOpen, withTimeout } from './probes.js';
import { pidFileOf, type Service } from './service.js';
import { spawnDetached } from './processes.js';

const binary = (cfg: StackConfig): string => join(cfg.cacheDir, 'ferretdb', 'ferretdb');
const stampFile = (cfg: StackConfig): string => `${binary(cfg)}.sha256`;
const srcDir = (cfg: StackConfig): string => join(cfg.infraDir, 'ferretdb');
const sources = (cfg: StackConfig): string[] => ['main.go', 'go.mod', 'go.sum'].map((f) => join(srcDir(cfg), f));
const home = (cfg: StackConfig): string => join(cfg.dataDir, 'ferretdb');
const url = (cfg: StackConfig): string => `mongodb://127.0.0.1:${cfg.mongoPort}/?retryWrites=false`;

export const ferretdb: Service = {
  name: 'ferretdb',
  kind: 'ferretdb',
  port: (cfg) => cfg.mongoPort,
  auxPorts: () => ({}),
  address: url,
  logFiles: (cfg) => [join(cfg.logDir, 'ferretdb.log')],
  marker: (cfg) => `-data ${home(cfg)}`,
  readyTimeoutMs: 20_000,
  runTools: [],
  provisionTools: ['go'],

  async stale(cfg) {
    if (!(await exists(binary(cfg)))) return 'first run';
    return (await readStamp(stampFile(cfg))) === (await hashFiles(sources(cfg))) ? undefined : 'sources changed';
  },

  async provision(cfg, why, report) {
    const t0 = Date.now();
    report(`ferretdb: building FerretDB ${FERRETDB_VERSION} (${why}, ~30 s, up to 2 min with an empty Go module cache)…`);
    await ensureDir(join(cfg.cacheDir, 'ferretdb'));
    const tmp = `${binary(cfg)}.tmp-${process.pid}`;
    const logFile = join(cfg.cacheDir, 'ferretdb', 'build.log');
    const env = { ...process.env, GOFLAGS: '-mod=mod' };
    await run('go', ['build', '-o', tmp, '.'], { cwd: srcDir(cfg), env, logFile });
    // Hashed after the build: -mod=mod may have tidied go.sum.
    await replaceWith(tmp, binary(cfg), stampFile(cfg), await hashFiles(sources(cfg)));
    report(`ferretdb: built in ${seconds(t0)}`);
  },

  async start(cfg) {
    await ensureDir(home(cfg));
    const args = ['-listen', `127.0.0.1:${cfg.mongoPort}`, '-data', home(cfg)];
    const logFile = join(cfg.logDir, 'ferretdb.log');
    return spawnDetached(binary(cfg), args, { cwd: home(cfg), logFile, pidFile: pidFileOf(cfg, 'ferretdb') });
  },

  async probe(cfg) {
    if (!(await portOpen(cfg.mongoPort))) throw new Error('port closed');
    const client = createMongoClient({ url: url(cfg), serverSelectionTimeoutMs: 2_000, maxPoolSize: 1 });
    const work = (async () => {
      try {
        await client.connect();
        await client.db('admin').command({ ping: 1 });
      } finally {
        await client.close();
      }
    })();
    await withTimeout(work, 5_000, 'ferretdb ping');
  },
};
