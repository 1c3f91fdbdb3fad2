import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { ROOT } from '@herald/testing';

/** Starts the baseline pipe (baseline.ts) as its own process. */
export async function spawnBaseline(groupId: string): Promise<{ stop(): Promise<void> }> {
  const child = spawn(process.execPath, ['--import', 'tsx', join(ROOT, 'bench', 'router', 'baseline.ts')], {
    cwd: ROOT,
    env: { ...process.env, BENCH_GROUP_ID: groupId },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  await new Promise<void>((resolve, reject) => {
    child.stdout.on('data', (d: Buffer) => d.toString().includes('baseline ready') && resolve());
    child.once('exit', (code) => reject(new Error(`baseline exited with ${code}`)));
  });
  return {
    stop: () =>
      new Promise((resolve) => {
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}
