import type { Logger } from '@herald/logger';
import { Abandoned } from './task.js';

const sleep = (ms: number, signal: AbortSignal) =>
  new Promise<void>((resolve) => {
    const t = setTimeout(done, ms);
    function done() {
      clearTimeout(t);
      signal.removeEventListener('abort', done);
      resolve();
    }
    signal.addEventListener('abort', done, { once: true });
  });

/**
 * Runs an infrastructure step (produce, MongoDB write, registry lookup) until it succeeds: a job
 * must not be committed before its outcome is durable, and must not be lost because Kafka or
 * MongoDB blinked. Backs off up to 5 s; gives up with Abandoned only when the runtime stops.
 */
export async function untilDone<T>(what: string, fn: () => Promise<T>, ctx: { signal: AbortSignal; logger: Logger }): Promise<T> {
  for (let attempt = 0; ; attempt++) {
    if (ctx.signal.aborted) throw new Abandoned(what);
    try {
      return await fn();
    } catch (err) {
      if (ctx.signal.aborted) throw new Abandoned(what);
      if (attempt === 0 || attempt % 10 === 0) ctx.logger.warn({ err, step: what, attempt }, 'delivery step failed, retrying');
      await sleep(Math.min(100 * 2 ** attempt, 5_000), ctx.signal);
    }
  }
}
