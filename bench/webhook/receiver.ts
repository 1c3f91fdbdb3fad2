import { fork } from 'node:child_process';
import { join } from 'node:path';
import { ROOT } from '@herald/testing';

/** Arrivals of one set of webhook-ids, kept up to date as receipts come in. */
export interface Watch {
  /** Distinct ids of the set that arrived. */
  n: number;
  first: number;
  last: number;
  /** First arrival time of each id. */
  firstArrival: Map<string, number>;
  /** Arrivals beyond the first (repeated deliveries). */
  repeats: number;
}

/** The parent's side of receiver-process.ts. */
export interface BenchReceiver {
  pid: number;
  url: string;
  /** TCP connections the receiver accepted so far. */
  connections(): number;
  /** Starts following the arrivals of `ids` (or of every id with `prefix`). */
  watch(match: Set<string> | string): Watch;
  close(): Promise<void>;
}

export async function spawnReceiver(delayMs: number): Promise<BenchReceiver> {
  const child = fork(join(ROOT, 'bench', 'webhook', 'receiver-process.ts'), [], {
    execArgv: ['--import', 'tsx'],
    env: { ...process.env, BENCH_RECEIVER_DELAY_MS: String(delayMs) },
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const watches: { match: Set<string> | string; w: Watch }[] = [];
  let connections = 0;
  const port = await new Promise<number>((resolve, reject) => {
    child.on('message', (m: { port?: number; receipts?: [string, number][]; connections?: number }) => {
      if (m.port) resolve(m.port);
      if (m.connections !== undefined) connections = m.connections;
      for (const [id, at] of m.receipts ?? []) {
        for (const { match, w } of watches) {
          if (typeof match === 'string' ? !id.startsWith(match) : !match.has(id)) continue;
          if (w.firstArrival.has(id)) {
            w.repeats++;
            continue;
          }
          w.firstArrival.set(id, at);
          w.n++;
          w.first = Math.min(w.first, at);
          w.last = Math.max(w.last, at);
        }
      }
    });
    child.once('exit', (code) => reject(new Error(`receiver exited with ${code}`)));
  });
  return {
    pid: child.pid ?? 0,
    connections: () => connections,
    url: `http://127.0.0.1:${port}`,
    watch(match) {
      const w: Watch = { n: 0, first: Infinity, last: -Infinity, firstArrival: new Map(), repeats: 0 };
      watches.push({ match, w });
      return w;
    },
    close: () =>
      new Promise<void>((resolve) => {
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}
