// Measuring helpers shared by the router benchmarks.
import { execFileSync, spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { TOPICS, type Kafka } from '@herald/kafka';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/**
 * Events/s of a group over `total` events: sampled from its committed offsets, from the first
 * commit to the last (so start-up and group join are not counted).
 */
export async function measure(k: Kafka, groupId: string, from: Map<number, number>, total: number, pids: number[] = []): Promise<{ rate: number; cpuMsPerEvent: number[] }> {
  const admin = k.admin();
  await admin.connect();
  try {
    let first: { at: number; done: number; cpu: { done(): number[] } } | undefined;
    const deadline = Date.now() + 600_000;
    while (Date.now() < deadline) {
      const [offsets] = await admin.fetchOffsets({ groupId, topics: [TOPICS.repositoryEvents] });
      const done = (offsets?.partitions ?? []).reduce((n, p) => n + Math.max(0, Number(p.offset) - (from.get(p.partition) ?? 0)), 0);
      const at = Date.now();
      // CPU is counted over the same span as the rate: start-up (the view's bootstrap) is not.
      if (done > 0 && !first) first = { at, done, cpu: cpuOf(pids) };
      if (done >= total && first) {
        const events = Math.max(1, done - first.done);
        return { rate: events / ((at - first.at) / 1000), cpuMsPerEvent: first.cpu.done().map((ms) => ms / events) };
      }
      // A process that died (a crashed baseline) never finishes: say so now, not after the deadline.
      const dead = pids.find((pid) => pid > 0 && !alive(pid));
      if (dead !== undefined) throw new Error(`${groupId}: process ${dead} exited before the group finished (${done} of ${total} events)`);
      await sleep(100);
    }
    throw new Error(`${groupId} did not finish in time`);
  } finally {
    await admin.disconnect();
  }
}

/** CPU ms (user + system, all threads) each process uses from now until `done()`. */
export function cpuOf(pids: number[]): { done(): number[] } {
  const ticks = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim());
  const read = (pid: number) => {
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      return ((Number(f[11]) + Number(f[12])) / ticks) * 1000;
    } catch {
      return NaN;
    }
  };
  const before = pids.map(read);
  return { done: () => pids.map((pid, i) => read(pid) - (before[i] ?? NaN)) };
}

/** The pid of the local stack's server whose command line has `pattern` (0 if none). */
export function pidOf(pattern: string): number {
  const out = spawnSync('pgrep', ['-f', '-o', pattern], { encoding: 'utf8' }).stdout.trim();
  return Number(out.split('\n')[0]) || 0;
}
