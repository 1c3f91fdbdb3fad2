import { randomUUID } from 'node:crypto';
import { link, mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Report, StackConfig } from './config.js';
import { StackError } from './stack-error.js';

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

async function tryLink(from: string, to: string): Promise<boolean> {
  try {
    await link(from, to);
    return true;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw err;
  }
}

/**
 * Serialises `up` and `down` per data dir. Without it, two concurrent `up`s (a test run and
 * `npm start`) both start Kafka; the loser overwrites the pid file and the winner is orphaned.
 */
export async function withStackLock<T>(cfg: StackConfig, report: Report, work: () => Promise<T>): Promise<T> {
  await mkdir(cfg.dataDir, { recursive: true });
  const file = join(cfg.dataDir, 'stack.lock');
  // Written aside and hard-linked into place, so the lock never exists without its pid.
  const mine = `${file}.${process.pid}.${randomUUID()}`;
  await writeFile(mine, `${process.pid}\n`);
  const deadline = Date.now() + 5 * 60_000;
  let told = false;
  try {
    while (!(await tryLink(mine, file))) {
      const holder = Number((await readFile(file, 'utf8').catch(() => '')).trim());
      if (!(holder > 0 && alive(holder))) {
        await rm(file, { force: true }); // left behind by a killed run
        continue;
      }
      if (Date.now() > deadline) throw new StackError(`gave up waiting for pid ${holder} to release ${file}`);
      if (!told) report(`waiting for another stack command (pid ${holder}) to finish…`);
      told = true;
      await sleep(500);
    }
  } finally {
    await rm(mine, { force: true });
  }
  try {
    return await work();
  } finally {
    await rm(file, { force: true });
  }
}
