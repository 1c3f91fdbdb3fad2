import { connect } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';

/** Whether anything accepts TCP connections on 127.0.0.1:`port` (cheap, answers in milliseconds). */
export function portOpen(port: number, timeoutMs = 1_000): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port });
    const done = (open: boolean): void => {
      socket.destroy();
      resolve(open);
    };
    socket.setTimeout(timeoutMs, () => done(false));
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
  });
}

/** Rejects if `work` takes longer than `ms`; the client behind it is cleaned up by its own finally. */
export async function withTimeout<T>(work: Promise<T>, ms: number, what: string): Promise<T> {
  const ac = new AbortController();
  const timer = sleep(ms, undefined, { signal: ac.signal }).then(() => {
    throw new Error(`${what}: no answer within ${ms} ms`);
  });
  try {
    return await Promise.race([work, timer]);
  } finally {
    ac.abort();
    timer.catch(() => undefined);
  }
}
