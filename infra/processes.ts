import { spawn } from 'node:child_process';
import { closeSync, openSync } from 'node:fs';
import { readFile, rm, writeFile } from 'node:fs/promises';
import { setTimeout as sleep } from 'node:timers/promises';
import { rotateIfLarge } from './files.js';

/**
 * True when `pid` is alive and its command line contains `marker`. Checking the command line keeps a
 * recycled pid (or a zombie, whose cmdline is empty) from being mistaken for our server.
 */
export async function isOurs(pid: number, marker: string): Promise<boolean> {
  const raw = await readFile(`/proc/${pid}/cmdline`).catch(() => undefined);
  return raw !== undefined && raw.toString('utf8').split('\0').join(' ').includes(marker);
}

/** The pid recorded in `pidFile` if that process is still our server. */
export async function ourPid(pidFile: string, marker: string): Promise<number | undefined> {
  const pid = Number((await readFile(pidFile, 'utf8').catch(() => '')).trim());
  return Number.isInteger(pid) && pid > 0 && (await isOurs(pid, marker)) ? pid : undefined;
}

export interface DetachedOptions {
  cwd: string;
  env?: NodeJS.ProcessEnv;
  logFile: string;
  pidFile: string;
}

/** Starts a server that outlives this script: own session, output to its log file, not waited for. */
export async function spawnDetached(cmd: string, args: string[], opts: DetachedOptions): Promise<number> {
  await rotateIfLarge(opts.logFile);
  const fd = openSync(opts.logFile, 'a');
  try {
    const child = spawn(cmd, args, { cwd: opts.cwd, env: opts.env ?? process.env, detached: true, stdio: ['ignore', fd, fd] });
    await new Promise<void>((resolve, reject) => {
      child.once('spawn', resolve);
      child.once('error', reject);
    });
    child.unref();
    const pid = child.pid as number;
    await writeFile(opts.pidFile, `${pid}\n`);
    return pid;
  } finally {
    closeSync(fd);
  }
}

function signal(pid: number, sig: NodeJS.Signals): boolean {
  try {
    process.kill(pid, sig);
    return true;
  } catch {
    return false; // already gone
  }
}

/** SIGTERM, then SIGKILL after `graceMs`; resolves once the process is gone. */
export async function stopProcess(pid: number, marker: string, graceMs = 20_000): Promise<'stopped' | 'killed'> {
  if (!signal(pid, 'SIGTERM')) return 'stopped';
  const deadline = Date.now() + graceMs;
  while (Date.now() < deadline) {
    if (!(await isOurs(pid, marker))) return 'stopped';
    await sleep(200);
  }
  signal(pid, 'SIGKILL');
  while (await isOurs(pid, marker)) await sleep(100);
  return 'killed';
}

export async function removePidFile(pidFile: string): Promise<void> {
  await rm(pidFile, { force: true });
}

/** Resident memory in MB, from /proc/<pid>/status. */
export async function rssMb(pid: number): Promise<number | undefined> {
  const status = await readFile(`/proc/${pid}/status`, 'utf8').catch(() => '');
  const kb = status.match(/^VmRSS:\s+(\d+)\s+kB/m)?.[1];
  return kb === undefined ? undefined : Math.round(Number(kb) / 1024);
}
