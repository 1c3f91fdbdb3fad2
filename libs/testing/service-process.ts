import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream, mkdirSync, readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository root. */
export const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

/** A free TCP port on loopback. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const addr = s.address();
      const port = typeof addr === 'object' && addr ? addr.port : 0;
      s.close(() => resolve(port));
    });
  });
}

/**
 * The node flags a service runs with: `herald.nodeArgs` in its package.json, the one place they are
 * kept (the Dockerfile reads them too). The delivery services set a larger young generation there.
 */
export function serviceNodeArgs(name: string): string[] {
  const pkg = JSON.parse(readFileSync(join(ROOT, 'services', name, 'package.json'), 'utf8')) as { herald?: { nodeArgs?: unknown } };
  const args = pkg.herald?.nodeArgs ?? [];
  // The same rule as scripts/build-service.mjs, which puts them on the image's shell command line.
  if (!Array.isArray(args) || !args.every((a) => typeof a === 'string' && /^--[a-z0-9-]+(=[A-Za-z0-9._-]+)?$/.test(a))) {
    throw new Error(`services/${name}/package.json: herald.nodeArgs must be a list of node flags such as --max-semi-space-size=32`);
  }
  return args as string[];
}

export interface ServiceProcess {
  readonly child: ChildProcess;
  readonly opsPort: number;
  readonly logFile: string;
  /** Resolves once /readyz answers 200. */
  ready(timeoutMs?: number): Promise<void>;
  kill(signal?: NodeJS.Signals): Promise<number | null>;
}

export interface StartServiceOptions {
  /** Where <label>.log goes (default test-results/). */
  logDir?: string;
  /**
   * Run the bundle the image runs (scripts/build-service.mjs → services/<name>/dist/main.js, built
   * once per process) instead of the TypeScript source through tsx. Benchmarks measure this.
   */
  bundle?: boolean;
}

const bundled = new Set<string>();

/** Bundles a service as its image does and returns the bundle's entry (services/<name>/dist/main.js). */
export function bundleService(name: string): string {
  const dir = join(ROOT, 'services', name);
  if (!bundled.has(name)) {
    execFileSync(process.execPath, [join(ROOT, 'scripts', 'build-service.mjs'), dir], { cwd: ROOT, stdio: ['ignore', 'ignore', 'pipe'] });
    bundled.add(name);
  }
  return join(dir, 'dist', 'main.js');
}

/**
 * Runs a service as its own process, with `env` on top of the current environment: from its
 * TypeScript source (`node --import tsx services/<name>/src/main.ts`), or as its image runs it
 * (`bundle`). Its logs go to <logDir>/<label>.log.
 */
/** Services still running when this process exits (a failed test or benchmark) are killed with it. */
const running = new Set<ChildProcess>();
process.on('exit', () => {
  for (const child of running) child.kill('SIGKILL');
});

export async function startService(name: string, env: Record<string, string>, label = name, opts: StartServiceOptions = {}): Promise<ServiceProcess> {
  const logDir = opts.logDir ?? join(ROOT, 'test-results');
  const opsPort = await freePort();
  mkdirSync(logDir, { recursive: true });
  const logFile = join(logDir, `${label}.log`);
  const log = createWriteStream(logFile, { flags: 'a' });
  // The service's own node flags (as its image runs it), then HERALD_NODE_ARGS (e.g. "--cpu-prof
  // --cpu-prof-dir=/tmp/prof", which NODE_OPTIONS refuses) for profiling.
  const nodeArgs = [...serviceNodeArgs(name), ...(env['HERALD_NODE_ARGS'] ?? process.env['HERALD_NODE_ARGS'] ?? '').split(' ').filter(Boolean)];
  const entry = opts.bundle ? [bundleService(name)] : ['--import', 'tsx', join(ROOT, 'services', name, 'src', 'main.ts')];
  const child = spawn(process.execPath, [...nodeArgs, ...entry], {
    cwd: ROOT,
    env: { ...process.env, LOG_LEVEL: 'info', OPS_HOST: '127.0.0.1', OPS_PORT: String(opsPort), ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  running.add(child);
  child.once('exit', () => running.delete(child));
  child.stdout?.pipe(log, { end: false });
  child.stderr?.pipe(log, { end: false });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return {
    child,
    opsPort,
    logFile,
    async ready(timeoutMs = 60_000) {
      const deadline = Date.now() + timeoutMs;
      let dead = false;
      void exited.then(() => (dead = true));
      while (Date.now() < deadline) {
        if (dead) throw new Error(`${label} exited before it was ready; see ${logFile}`);
        const ok = await fetch(`http://127.0.0.1:${opsPort}/readyz`).then((r) => r.ok, () => false);
        if (ok) return;
        await new Promise((r) => setTimeout(r, 100));
      }
      throw new Error(`${label} not ready after ${timeoutMs} ms; see ${logFile}`);
    },
    async kill(signal = 'SIGTERM') {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      return exited;
    },
  };
}
