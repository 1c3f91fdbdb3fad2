import { readFileSync } from 'node:fs';

/** CPU time (user + system, ms) a process has used so far; NaN where /proc is not available. */
export function cpuMs(pid: number): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) * 10;
  } catch {
    return NaN;
  }
}

/** CPU ms used by each pid while `fn` ran. */
export async function cpuDuring<T>(pids: Record<string, number>, fn: () => Promise<T>): Promise<{ value: T; cpu: Record<string, number> }> {
  const before = Object.fromEntries(Object.entries(pids).map(([k, p]) => [k, cpuMs(p)]));
  const value = await fn();
  return { value, cpu: Object.fromEntries(Object.entries(pids).map(([k, p]) => [k, cpuMs(p) - (before[k] ?? 0)])) };
}
