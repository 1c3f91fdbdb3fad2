import { Gauge, type Registry } from 'prom-client';
import type { Logger } from '@herald/logger';

/**
 * Where a service is in its life. `ready` means started and running (readiness may still be 503
 * while a dependency is unreachable); `failed` means it cannot recover by itself and must be
 * restarted. `stopped` and `failed` are final.
 */
export type LifecycleState = 'starting' | 'ready' | 'draining' | 'stopped' | 'failed';

export const LIFECYCLE_STATES: readonly LifecycleState[] = ['starting', 'ready', 'draining', 'stopped', 'failed'];

/**
 * The transitions there are. A failure while draining is not one: the process is already on its
 * way out, and a consumer or feed that breaks while it is being closed is no news. A failed
 * service is stopped too, but stays `failed` (so /healthz keeps saying so) until it exits.
 */
const NEXT: Record<LifecycleState, readonly LifecycleState[]> = {
  starting: ['ready', 'draining', 'failed'],
  ready: ['draining', 'failed'],
  draining: ['stopped'],
  stopped: [],
  failed: [],
};

export interface LifecycleOptions {
  logger: Logger;
  /** Where `herald_lifecycle_state{state}` is registered (1 for the current state, 0 for the others). */
  registry?: Registry;
}

/**
 * A service's lifecycle as one state machine (starting → ready → draining → stopped, or failed
 * with a reason): every service reads health and readiness from it and moves it through `to()`,
 * the one transition function. Each transition is logged once; a transition that is not in the
 * table (stopped → ready, a second failure) is refused and changes nothing.
 */
export class Lifecycle {
  #state: LifecycleState = 'starting';
  #failure: string | undefined;
  readonly #listeners: ((reason: string) => void)[] = [];
  readonly #probes: (() => string | undefined)[] = [];
  readonly #logger: Logger;

  constructor(opts: LifecycleOptions) {
    this.#logger = opts.logger;
    if (opts.registry) {
      const read = () => this.state;
      new Gauge({
        name: 'herald_lifecycle_state',
        help: 'The service lifecycle state: 1 for the current one (starting, ready, draining, stopped, failed)',
        labelNames: ['state'] as const,
        registers: [opts.registry],
        collect() {
          const now = read();
          for (const s of LIFECYCLE_STATES) this.set({ state: s }, s === now ? 1 : 0);
        },
      });
    }
  }

  get state(): LifecycleState {
    this.#poll();
    return this.#state;
  }

  /** Why the service failed, once it has. */
  get failure(): string | undefined {
    this.#poll();
    return this.#failure;
  }

  /** Alive: false exactly when failed (/healthz 503). */
  get healthy(): boolean {
    return this.state !== 'failed';
  }

  /** Why the lifecycle alone keeps the service from being ready (`starting`, `failed: …`), or undefined in `ready`. */
  notReadyReason(): string | undefined {
    if (this.state === 'ready') return undefined;
    return this.#state === 'failed' ? `failed: ${this.#failure ?? 'unknown'}` : this.#state;
  }

  /** Moves to `next` if the table allows it (`reason` is required for `failed`); false when refused. */
  to(next: LifecycleState, reason?: string): boolean {
    const from = this.#state;
    if (!NEXT[from].includes(next)) {
      this.#logger.debug({ from, to: next, reason }, 'lifecycle transition refused');
      return false;
    }
    this.#state = next;
    if (next === 'failed') {
      this.#failure = reason ?? 'unknown';
      this.#logger.error({ from, to: next, reason: this.#failure }, 'lifecycle transition');
      for (const l of this.#listeners) l(this.#failure);
    } else {
      this.#logger.info({ from, to: next }, 'lifecycle transition');
    }
    return true;
  }

  ready(): boolean {
    return this.to('ready');
  }

  draining(): boolean {
    return this.to('draining');
  }

  stopped(): boolean {
    return this.to('stopped');
  }

  /** The service cannot recover by itself. True when this call failed it (not already failed or draining). */
  fail(reason: string | Error): boolean {
    return this.to('failed', reason instanceof Error ? reason.message : reason);
  }

  /**
   * A failure that is found by looking rather than reported (a flag another thread sets): `probe`
   * returns its reason, and is asked (cheaply, synchronously) whenever the state is read, so a
   * probe of /healthz never answers from a state that is already stale.
   */
  watch(probe: () => string | undefined): void {
    this.#probes.push(probe);
  }

  #poll(): void {
    if (this.#state !== 'starting' && this.#state !== 'ready') return;
    for (const probe of this.#probes) {
      const reason = probe();
      if (reason !== undefined) {
        this.to('failed', reason);
        return;
      }
    }
  }

  /** Called once, with the reason, when the service fails. */
  onFailed(listener: (reason: string) => void): void {
    if (this.#state === 'failed') listener(this.#failure ?? 'unknown');
    else this.#listeners.push(listener);
  }
}
