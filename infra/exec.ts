import { spawn } from 'node:child_process';
import { closeSync, openSync } from 'node:fs';
import { StackError } from './stack-error.js';
import { tailLines } from './files.js';

export interface RunOptions {
  cwd?: string;
  env?: NodeJS.ProcessEnv;
  /** Output goes here, not to the terminal; shown only when the command fails. */
  logFile: string;
}

/** Runs a provisioning command to completion; a failure carries the tail of its output. */
export async function run(cmd: string, args: string[], opts: RunOptions): Promise<void> {
  const fd = openSync(opts.logFile, 'a');
  const code = await new Promise<number | string>((resolve) => {
    const child = spawn(cmd, args, { cwd: opts.cwd, env: opts.env ?? process.env, stdio: ['ignore', fd, fd] });
    child.on('error', (err) => resolve(err.message));
    child.on('exit', (c, signal) => resolve(c ?? `signal ${signal}`));
  }).finally(() => closeSync(fd));
  if (code === 0) return;
  const tail = (await tailLines(opts.logFile, 30)).join('\n');
  throw new StackError(`\`${cmd} ${args.join(' ')}\` failed (${code}); last lines of ${opts.logFile}:\n${tail}`);
}

/** Stdout+stderr of a short command, or undefined when it cannot be run (e.g. not installed). */
export async function capture(cmd: string, args: string[]): Promise<string | undefined> {
  return new Promise((resolve) => {
    let out = '';
    let child;
    try {
      child = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    } catch {
      return resolve(undefined); // some errors (ENOTDIR) are thrown rather than emitted
    }
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (out += d.toString()));
    child.on('error', () => resolve(undefined));
    child.on('close', (code) => resolve(code === 0 ? out : undefined));
  });
}
