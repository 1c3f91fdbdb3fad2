import { readFileSync } from 'node:fs';

/** CPU time (user + system, ms) a process has used so far; NaN where /proc is not available. */
export function cpuMs(pid: number, thread?: number): number {
  try {
    const stat = readFileSync(thread === undefined ? `/proc/${pid}/stat` : `/proc/${pid}/task/${thread}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) * 10;
  } catch {
    return NaN;
  }
}

/**
 * CPU ms used by each pid while `fn` ran; a key ending in `:main` measures only that pid's main
 * thread (a Node process also spends CPU in GC and libuv helper threads).
 */
export async function cpuDuring<T>(pids: Record<string, number>, fn: () => Promise<T>): Promise<{ value: T; cpu: Record<string, number> }> {
  const read = () => Object.fromEntries(Object.entries(pids).map(([k, p]) => [k, k.endsWith(':main') ? cpuMs(p, p) : cpuMs(p)]));
  const before = read();
  const value = await fn();
  const after = read();
  return { value, cpu: Object.fromEntries(Object.keys(pids).map((k) => [k, (after[k] ?? NaN) - (before[k] ?? NaN)])) };
}
