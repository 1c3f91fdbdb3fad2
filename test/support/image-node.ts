import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { ROOT } from '@herald/testing';

/** The Node major the images run: the Dockerfile's `ARG NODE_IMAGE=node:<major>-…`. */
export function imageNodeMajor(): number {
  const m = /^ARG NODE_IMAGE=node:(\d+)[-.]/m.exec(readFileSync(join(ROOT, 'Dockerfile'), 'utf8'));
  if (!m?.[1]) throw new Error('Dockerfile: no ARG NODE_IMAGE=node:<major>-… line');
  return Number(m[1]);
}

function runs(bin: string): string | undefined {
  const r = spawnSync(bin, ['--version'], { encoding: 'utf8' });
  return r.status === 0 ? r.stdout.trim() : undefined;
}

/**
 * A Node binary of the images' major version, to run bundles as the images do (the machines here
 * have Node 20). It comes from the npm registry's node-linux-<arch> package, which ships the
 * binary, and is kept under HERALD_CACHE_DIR (default ~/.cache/herald); the first call fetches it.
 */
export function ensureImageNode(): { bin: string; version: string } {
  const major = imageNodeMajor();
  const arch = process.arch === 'arm64' ? 'arm64' : 'x64';
  const cache = process.env['HERALD_CACHE_DIR'] || join(homedir(), '.cache', 'herald');
  const dir = join(cache, `node-${major}-linux-${arch}`);
  const bin = join(dir, 'bin', 'node');
  const cached = existsSync(bin) ? runs(bin) : undefined;
  if (cached) return { bin, version: cached };

  mkdirSync(cache, { recursive: true });
  const tmp = mkdtempSync(join(cache, `node-${major}-`));
  try {
    console.log(`fetching node-linux-${arch}@${major} (the images' Node) into ${dir}…`);
    execFileSync('npm', ['pack', `node-linux-${arch}@${major}`, '--pack-destination', tmp, '--silent'], { cwd: tmp, stdio: ['ignore', 'ignore', 'inherit'], timeout: 300_000 });
    const tgz = readdirSync(tmp).find((f) => f.endsWith('.tgz'));
    if (!tgz) throw new Error(`npm pack node-linux-${arch}@${major} left no archive`);
    execFileSync('tar', ['xzf', tgz], { cwd: tmp });
    rmSync(dir, { recursive: true, force: true });
    renameSync(join(tmp, 'package'), dir);
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
  const version = runs(bin);
  if (!version) throw new Error(`${bin} does not run`);
  return { bin, version };
}
