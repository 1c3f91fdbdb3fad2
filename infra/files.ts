import { createHash } from 'node:crypto';
import { mkdir, open, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';

export async function exists(path: string): Promise<boolean> {
  return stat(path).then(
    () => true,
    () => false,
  );
}

/** Last `count` lines of a file, reading only its end so multi-MB server logs stay cheap. */
export async function tailLines(path: string, count: number): Promise<string[]> {
  const handle = await open(path, 'r').catch(() => undefined);
  if (!handle) return [];
  try {
    const { size } = await handle.stat();
    const length = Math.min(size, 512 * 1024);
    const buf = Buffer.alloc(length);
    await handle.read(buf, 0, length, size - length);
    const lines = buf.toString('utf8').split('\n');
    if (lines.at(-1) === '') lines.pop();
    return lines.slice(-count);
  } finally {
    await handle.close();
  }
}

/** Sha-256 over several files: a stamp that tells whether a cached build still matches its inputs. */
export async function hashFiles(paths: string[]): Promise<string> {
  const hash = createHash('sha256');
  for (const p of paths) hash.update(p).update(await readFile(p));
  return hash.digest('hex');
}

export async function readStamp(path: string): Promise<string | undefined> {
  return readFile(path, 'utf8').then(
    (s) => s.trim(),
    () => undefined,
  );
}

/**
 * Moves a finished temp build into place. Builds go to a temp path first so an interrupted first
 * run never leaves a half-filled cache that later runs would trust.
 */
export async function replaceWith(tmp: string, target: string, stampPath?: string, stamp?: string): Promise<void> {
  await rm(target, { recursive: true, force: true });
  await rename(tmp, target);
  if (stampPath && stamp) await writeFile(stampPath, `${stamp}\n`);
}

/** Keeps append-only server logs from growing without bound across many restarts. */
export async function rotateIfLarge(path: string, maxBytes = 20 * 1024 * 1024): Promise<void> {
  const size = await stat(path).then(
    (s) => s.size,
    () => 0,
  );
  if (size > maxBytes) await rename(path, `${path}.old`);
}

export const ensureDir = (path: string): Promise<unknown> => mkdir(path, { recursive: true });
