import type { ChildProcess } from 'node:child_process';

/** One started process: its child, and (optionally) how to wait until it serves. */
export interface SupervisedProcess {
  readonly child: ChildProcess;
  ready?(): Promise<void>;
}

export interface Exit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

/** What the supervisor reports when a process ended on its own and is started again. */
export interface RestartEvent extends Exit {
  name: string;
  /** How long the process ran. */
  upMs: number;
  /** Wait before the next start. */
  delayMs: number;
  /** Consecutive restarts without a run of at least `resetAfterMs`, this one included. */
  restarts: number;
}

export interface SupervisorOptions {
  name: string;
  /** Starts the process again with the same environment; called for the first start and each restart. */
  start: () => Promise<SupervisedProcess>;
  onRestart: (e: RestartEvent) => void;
  /** A restart that did not get its process ready (it is stopped and the back-off goes on). */
  onStartFailed?: (name: string, err: Error) => void;
  initialDelayMs?: number;
  maxDelayMs?: number;
  /** A run at least this long resets the delay to `initialDelayMs`. */
  resetAfterMs?: number;
}

export type SupervisorState = 'idle' | 'starting' | 'running' | 'backing-off' | 'stopping' | 'stopped';

interface Run {
  startedAt: number;
  exited: Promise<Exit>;
}

/** Resolves when `child` has exited (at once if it already has). */
export function exitOf(child: ChildProcess): Promise<Exit> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve({ code: child.exitCode, signal: child.signalCode });
  return new Promise((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
}

/** The console line for a restart: service, how it ended, when it starts again. */
export function describeRestart(e: RestartEvent): string {
  const how = e.signal ? `signal ${e.signal}` : `exit code ${e.code}`;
  return `${e.name} stopped (${how}) after ${(e.upMs / 1000).toFixed(1)}s; restart ${e.restarts} in ${(e.delayMs / 1000).toFixed(1)}s`;
}

/**
 * Keeps one process running: when it ends on its own it is started again after a delay that
 * doubles with each quick failure (1 s … 30 s by default) and resets once a run lasted
 * `resetAfterMs`. `stop()` ends it for good: no restart follows, whatever state it was in.
 */
export class Supervisor {
  #state: SupervisorState = 'idle';
  #child: ChildProcess | undefined;
  #restarts = 0;
  #loop: Promise<void> | undefined;
  #cancelWait: (() => void) | undefined;
  readonly #initialDelayMs: number;
  readonly #maxDelayMs: number;
  readonly #resetAfterMs: number;

  constructor(private readonly opts: SupervisorOptions) {
    this.#initialDelayMs = opts.initialDelayMs ?? 1_000;
    this.#maxDelayMs = opts.maxDelayMs ?? 30_000;
    this.#resetAfterMs = opts.resetAfterMs ?? 60_000;
  }

  getState(): SupervisorState {
    return this.#state;
  }

  /** The current process, if one is running or starting. */
  get child(): ChildProcess | undefined {
    return this.#child;
  }

  /** First start: resolves once the process is ready, rejects (and supervises nothing) if it is not. */
  async start(): Promise<void> {
    if (this.#state !== 'idle') throw new Error(`${this.opts.name}: already started`);
    let run: Run;
    try {
      run = await this.#launch();
    } catch (err) {
      if (this.#child) await exitOf(this.#child);
      this.#state = 'stopped';
      throw err;
    }
    // stop() came during the first start: it has killed the process and waits for no loop.
    if (this.#stopping) return;
    this.#loop = this.#supervise(run);
  }

  /** Stops the process (SIGTERM by default) and waits for it; nothing is restarted afterwards. */
  async stop(signal: NodeJS.Signals = 'SIGTERM'): Promise<void> {
    if (this.#state === 'stopped') return;
    this.#state = 'stopping';
    this.#cancelWait?.();
    const child = this.#child;
    if (child) {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      await exitOf(child);
    }
    await this.#loop;
    this.#state = 'stopped';
  }

  get #stopping(): boolean {
    return this.#state === 'stopping' || this.#state === 'stopped';
  }

  async #launch(): Promise<Run> {
    this.#state = 'starting';
    const p = await this.opts.start();
    const run = { startedAt: Date.now(), exited: exitOf(p.child) };
    this.#child = p.child;
    // stop() came while the process was being spawned: it did not see this child.
    if (this.#stopping) {
      p.child.kill('SIGTERM');
      return run;
    }
    try {
      await p.ready?.();
    } catch (err) {
      p.child.kill('SIGTERM');
      throw err;
    }
    if (!this.#stopping) this.#state = 'running';
    return { ...run, startedAt: Date.now() };
  }

  async #supervise(first: Run): Promise<void> {
    let run = first;
    for (;;) {
      const exit = await run.exited;
      if (this.#stopping) return;
      const upMs = Date.now() - run.startedAt;
      if (upMs >= this.#resetAfterMs) this.#restarts = 0;
      const delayMs = Math.min(this.#initialDelayMs * 2 ** this.#restarts, this.#maxDelayMs);
      this.#restarts += 1;
      this.#state = 'backing-off';
      this.opts.onRestart({ name: this.opts.name, ...exit, upMs, delayMs, restarts: this.#restarts });
      if (!(await this.#wait(delayMs))) return;
      run = await this.#restart();
    }
  }

  /** A restart that fails counts as a run that ended at once, so the back-off keeps growing. */
  async #restart(): Promise<Run> {
    try {
      return await this.#launch();
    } catch (err) {
      // A start cut short by stop() is no failure worth reporting.
      if (!this.#stopping) this.opts.onStartFailed?.(this.opts.name, err as Error);
      const child = this.#child;
      return { startedAt: Date.now(), exited: child ? exitOf(child) : Promise.resolve({ code: null, signal: null }) };
    }
  }

  /** Resolves true after `ms`, or false as soon as stop() is called. */
  #wait(ms: number): Promise<boolean> {
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.#cancelWait = undefined;
        resolve(!this.#stopping);
      }, ms);
      this.#cancelWait = () => {
        clearTimeout(timer);
        resolve(false);
      };
    });
  }
}
