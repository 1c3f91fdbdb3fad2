import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { ROOT } from '@herald/testing';

/** Baselines still running: killed if the benchmark exits early (a failed measurement). */
const running = new Set<ReturnType<typeof spawn>>();
process.on('exit', () => {
  for (const child of running) child.kill('SIGKILL');
});

/** Starts the baseline pipe (baseline.ts) as its own process. */
export async function spawnBaseline(groupId: string, mode: 'eos' | 'alo' | 'fanout' = 'eos'): Promise<{ pid: number; stop(): Promise<void> }> {
  // HERALD_NODE_ARGS (e.g. "--cpu-prof --cpu-prof-dir=/tmp/prof") as for the services.
  const nodeArgs = (process.env['HERALD_NODE_ARGS'] ?? '').split(' ').filter(Boolean);
  const child = spawn(process.execPath, [...nodeArgs, '--import', 'tsx', join(ROOT, 'bench', 'router', 'baseline.ts')], {
    cwd: ROOT,
    env: { ...process.env, BENCH_GROUP_ID: groupId, BENCH_BASELINE_MODE: mode },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  running.add(child);
  child.once('exit', () => running.delete(child));
  await new Promise<void>((resolve, reject) => {
    child.stdout.on('data', (d: Buffer) => d.toString().includes('baseline ready') && resolve());
    child.once('exit', (code) => reject(new Error(`baseline exited with ${code}`)));
  });
  return {
    pid: child.pid ?? 0,
    stop: () =>
      new Promise((resolve) => {
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}
