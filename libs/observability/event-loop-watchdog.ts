import { performance } from 'node:perf_hooks';
import { Worker } from 'node:worker_threads';

export interface EventLoopWatchdogOptions {
  /** The main loop blocked this long is stalled (0 = no watchdog). */
  stallMs: number;
  /** Still blocked this much longer: the watchdog thread kills the process, since nothing else can run. */
  killAfterMs: number;
  /** On the main loop, once it runs again after a stall: the service has failed. */
  onStall: (blockedMs: number) => void;
  /** Fields of the log lines the watchdog thread writes itself while the loop is blocked (e.g. `service`). */
  logFields?: Record<string, unknown>;
}

/**
 * The watchdog thread. It sleeps in Atomics.wait (no CPU) between checks of the heartbeat the main
 * loop writes; a check is the only thing that can see a blocked loop while it is blocked. It writes
 * its own log lines (pino's level numbers) because the main thread's logger cannot run then.
 */
const WORKER = `
const { workerData, parentPort } = require('node:worker_threads');
const { writeSync } = require('node:fs');
const { performance } = require('node:perf_hooks');
const { beat, control, stallMs, killAfterMs, intervalMs, fields } = workerData;
const last = new BigInt64Array(beat);
const ctl = new Int32Array(control); // [0]: 1 = stop; [1]: how long the loop was blocked, once reported
const now = () => performance.timeOrigin + performance.now();
const log = (level, msg, extra) => {
  try { writeSync(1, JSON.stringify({ level, time: Date.now(), ...fields, ...extra, msg }) + '\\n'); } catch {}
};
let woke = now();
let baseline = 0;
let reported = false;
while (Atomics.wait(ctl, 0, 0, intervalMs) === 'timed-out') {
  const t = now();
  // Woken far later than asked: this thread did not run either (SIGSTOP, a frozen VM), so the
  // process was suspended rather than its loop blocked; the loop gets a fresh bound from now.
  if (t - woke > 2 * intervalMs + 1000) baseline = t;
  woke = t;
  const blocked = Math.round(t - Math.max(Number(Atomics.load(last, 0)), baseline));
  if (!reported && blocked >= stallMs) {
    reported = true;
    log(50, 'event loop stalled', { blockedMs: blocked, stallMs });
    Atomics.store(ctl, 1, blocked);
    parentPort.postMessage({ blockedMs: blocked });
  }
  if (reported && blocked >= stallMs + killAfterMs) {
    log(60, 'event loop still stalled, killing the process', { blockedMs: blocked, stallMs, killAfterMs });
    process.kill(process.pid, 'SIGKILL');
  }
}
`;

const now = () => performance.timeOrigin + performance.now();

/**
 * Detects a main event loop blocked past a bound, while it is blocked: the main loop stamps a
 * heartbeat into shared memory every `stallMs / 10` (at most every 3 s: one cheap timer at rest),
 * and a worker thread that sleeps in between compares it with the clock. Past `stallMs` the worker
 * logs the stall and tells the main loop, which calls `onStall` as soon as it runs again (the
 * service fails: /healthz 503, exit after the grace); past `stallMs + killAfterMs` the loop is not
 * coming back soon enough and the worker kills the process (SIGKILL: a signal handler would need
 * the blocked loop) so that it is restarted.
 */
export class EventLoopWatchdog {
  #worker: Worker | undefined;
  #timer: NodeJS.Timeout | undefined;
  #control: Int32Array | undefined;

  constructor(private readonly opts: EventLoopWatchdogOptions) {}

  /**
   * How long the loop was blocked, once the watchdog thread reported a stall (read from shared
   * memory: known on the main loop as soon as it runs again, before the thread's message arrives).
   */
  stalledMs(): number | undefined {
    const ms = this.#control ? Atomics.load(this.#control, 1) : 0;
    return ms > 0 ? ms : undefined;
  }

  /** The heartbeat and check period. */
  get intervalMs(): number {
    return Math.min(3_000, Math.max(20, Math.round(this.opts.stallMs / 10)));
  }

  start(): void {
    if (this.opts.stallMs <= 0 || this.#worker) return;
    const beat = new SharedArrayBuffer(8);
    const control = new SharedArrayBuffer(8);
    const last = new BigInt64Array(beat);
    const stamp = () => Atomics.store(last, 0, BigInt(Math.round(now())));
    stamp();
    this.#control = new Int32Array(control);
    this.#worker = new Worker(WORKER, {
      eval: true,
      // Not the service's flags (e.g. --import tsx): the thread needs nothing but node itself.
      execArgv: [],
      workerData: { beat, control, stallMs: this.opts.stallMs, killAfterMs: this.opts.killAfterMs, intervalMs: this.intervalMs, fields: this.opts.logFields ?? {} },
      resourceLimits: { maxOldGenerationSizeMb: 16, maxYoungGenerationSizeMb: 2 },
    });
    this.#worker.on('message', (m: { blockedMs: number }) => this.opts.onStall(m.blockedMs));
    this.#worker.unref();
    this.#timer = setInterval(stamp, this.intervalMs);
    this.#timer.unref();
  }

  async stop(): Promise<void> {
    clearInterval(this.#timer);
    this.#timer = undefined;
    const worker = this.#worker;
    this.#worker = undefined;
    if (!worker || !this.#control) return;
    Atomics.store(this.#control, 0, 1);
    Atomics.notify(this.#control, 0);
    await worker.terminate();
  }
}
