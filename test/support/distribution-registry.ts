// A real CNCF Distribution registry on loopback, with a notification endpoint, and crane to push
// to it; both built from the Go module proxy by scripts/ensure-registry-tools.mjs (cached).
import { execFile, spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createWriteStream, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { freePort, ROOT } from '@herald/testing';

export interface RegistryTools {
  registry: string;
  crane: string;
}

/** Builds the tools when they are not cached yet (minutes, once), then returns their paths. */
export function registryTools(): RegistryTools {
  const r = spawnSync(process.execPath, [join(ROOT, 'scripts', 'ensure-registry-tools.mjs')], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'], timeout: 900_000 });
  if (r.status !== 0) throw new Error('scripts/ensure-registry-tools.mjs failed');
  return JSON.parse(r.stdout.trim().split('\n').pop() ?? '{}') as RegistryTools;
}

export class DistributionRegistry {
  host = '';
  private child: ChildProcess | undefined;
  private readonly dir = mkdtempSync(join(tmpdir(), 'herald-distribution-'));

  constructor(private readonly tools: RegistryTools) {}

  /** Starts the registry; its notifications go to `endpoint` with `Authorization: Bearer <token>`. */
  async start(endpoint: string, token: string): Promise<void> {
    const port = await freePort();
    this.host = `127.0.0.1:${port}`;
    const config = join(this.dir, 'config.yml');
    mkdirSync(join(this.dir, 'storage'));
    writeFileSync(
      config,
      [
        'version: 0.1',
        'log:',
        '  level: info',
        '  accesslog:',
        '    disabled: true',
        'storage:',
        '  filesystem:',
        `    rootdirectory: ${join(this.dir, 'storage')}`,
        '  delete:',
        '    enabled: true',
        'http:',
        `  addr: ${this.host}`,
        `  secret: ${randomBytes(16).toString('hex')}`,
        'notifications:',
        '  endpoints:',
        '    - name: herald',
        `      url: ${endpoint}`,
        '      headers:',
        `        Authorization: [Bearer ${token}]`,
        '      timeout: 3s',
        '      threshold: 3',
        '      backoff: 500ms',
        '',
      ].join('\n'),
    );
    const log = createWriteStream(join(ROOT, 'test-results', `distribution-${port}.log`));
    mkdirSync(join(ROOT, 'test-results'), { recursive: true });
    // No tracing exporter: the registry would otherwise try an OTLP collector.
    this.child = spawn(this.tools.registry, ['serve', config], { env: { ...process.env, OTEL_TRACES_EXPORTER: 'none', OTEL_METRICS_EXPORTER: 'none', OTEL_LOGS_EXPORTER: 'none' }, stdio: ['ignore', 'pipe', 'pipe'] });
    this.child.stdout?.pipe(log);
    this.child.stderr?.pipe(log);
    const deadline = Date.now() + 20_000;
    while (Date.now() < deadline) {
      if (this.child.exitCode !== null) throw new Error(`registry exited with ${this.child.exitCode}; see test-results/distribution-${port}.log`);
      if (await fetch(`http://${this.host}/v2/`).then((r) => r.ok, () => false)) return;
      await new Promise((r) => setTimeout(r, 100));
    }
    throw new Error('registry did not answer /v2/ within 20 s');
  }

  /** Runs crane against this registry (plain HTTP). */
  async crane(...args: string[]): Promise<string> {
    const { stdout } = await promisify(execFile)(this.tools.crane, [...args, '--insecure'], { cwd: this.dir, timeout: 30_000 });
    return stdout.trim();
  }

  /** A one-layer image made from a file of random bytes (a tarball crane appends to an empty base). */
  layer(): string {
    const src = join(this.dir, `layer-${randomBytes(4).toString('hex')}`);
    mkdirSync(src);
    writeFileSync(join(src, 'hello.txt'), randomBytes(64).toString('hex'));
    const tar = `${src}.tar`;
    const r = spawnSync('tar', ['-cf', tar, '-C', src, 'hello.txt']);
    if (r.status !== 0) throw new Error('tar failed');
    return tar;
  }

  async stop(): Promise<void> {
    const c = this.child;
    if (c && c.exitCode === null) {
      const exited = new Promise((r) => c.once('exit', r));
      c.kill('SIGTERM');
      await exited;
    }
    rmSync(this.dir, { recursive: true, force: true });
  }
}
