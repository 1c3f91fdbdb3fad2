/** What an attempt said about its destination. `neutral`: nothing (never sent, a MongoDB outage, a config error). */
export type AttemptOutcome = 'success' | 'failure' | 'neutral';

/** Given to each admitted attempt; its outcome is reported once the attempt is over. */
export interface Admission {
  settle(outcome: AttemptOutcome): void;
}

export type BreakerStateName = 'closed' | 'open' | 'half_open';

/** A destination's breaker as a transition records it (libs/store's BreakerState, without the method). */
export interface BreakerSnapshot {
  destination: string;
  state: BreakerStateName;
  since: number;
  consecutiveFailures: number;
  /** Epoch ms of the next probe while open; 0 otherwise. */
  nextProbeAt: number;
  openedCount: number;
}

export interface CircuitBreakerOptions {
  /** Failed attempts in a row that open a destination's breaker. */
  failures: number;
  /** The first open period; each re-opening after a failed probe doubles it, up to `maxOpenMs`. */
  openMs: number;
  maxOpenMs: number;
  /** How long a probe may take before another one is let out (an attempt that never reported). */
  probeLeaseMs: number;
  clock?: () => number;
  /** Each transition (to persist it). */
  onTransition?(s: BreakerSnapshot): void;
  /** Waiting jobs should ask again (a probe came back: the breaker closed, re-opened, or the probe had no verdict). */
  onWake?(): void;
}

class Destination {
  state: BreakerStateName = 'closed';
  since = 0;
  failures = 0;
  nextProbeAt = 0;
  openedCount = 0;
  /** While half-open: when the probe's lease ends (0 = no probe out). */
  probeUntil = 0;
  /** Bumped when a probe is let out: only the latest probe's outcome counts. */
  probeId = 0;

  constructor(readonly name: string) {}
}

/**
 * Circuit breakers per destination (`host:port`). Closed: attempts go out, failures in a row are
 * counted and at `failures` the breaker opens. Open: jobs wait until the next probe time (they
 * are not attempted, so nothing counts against the notification). Then half-open: one probe goes
 * out; success closes the breaker, failure re-opens it for twice as long (up to the cap). Only
 * destinations with failures are kept: a healthy one costs one map read per attempt.
 */
export class CircuitBreakers {
  private readonly map = new Map<string, Destination>();
  private readonly clock: () => number;

  constructor(private readonly o: CircuitBreakerOptions) {
    this.clock = o.clock ?? Date.now;
  }

  /**
   * 0 when an attempt to `destination` may start at `now`, else the epoch ms to ask again; `'probe'`
   * for "only as the probe": the caller then claims it with `admit`.
   */
  check(destination: string, now: number): number | 'probe' {
    const d = this.map.get(destination);
    if (!d || d.state === 'closed') return 0;
    if (d.state === 'open') return now < d.nextProbeAt ? d.nextProbeAt : 'probe';
    return now < d.probeUntil ? d.probeUntil : 'probe';
  }

  /** Admits an attempt (after `check` allowed it): the probe when the breaker is due for one. */
  admit(destination: string, now: number): Admission {
    const d = this.map.get(destination);
    if (!d || d.state === 'closed') return { settle: (outcome) => this.closedOutcome(destination, outcome) };
    if (d.state === 'open') this.transition(d, 'half_open', now);
    d.probeUntil = now + this.o.probeLeaseMs;
    const id = ++d.probeId;
    return { settle: (outcome) => this.probeOutcome(d, id, outcome) };
  }

  /** Restores a persisted open or half-open breaker (after a restart): open until its next probe. */
  restore(s: Pick<BreakerSnapshot, 'destination' | 'state' | 'since' | 'consecutiveFailures' | 'nextProbeAt' | 'openedCount'>): void {
    if (s.state === 'closed') return;
    const d = new Destination(s.destination);
    d.state = 'open';
    d.since = s.since;
    d.failures = s.consecutiveFailures;
    d.openedCount = Math.max(1, s.openedCount);
    d.nextProbeAt = s.state === 'open' ? s.nextProbeAt : 0;
    this.map.set(s.destination, d);
  }

  /** The destination's state (closed when unknown). */
  state(destination: string): BreakerStateName {
    return this.map.get(destination)?.state ?? 'closed';
  }

  /** How many destinations are open and half-open (the metric). */
  counts(): { open: number; half_open: number } {
    const c = { open: 0, half_open: 0 };
    for (const d of this.map.values()) if (d.state !== 'closed') c[d.state]++;
    return c;
  }

  /**
   * A non-probe attempt's outcome: counted while closed, ignored otherwise (it started before the
   * breaker opened). A success forgets the destination: a healthy one is not kept.
   */
  private closedOutcome(name: string, outcome: AttemptOutcome): void {
    const d = this.map.get(name);
    if (d && d.state !== 'closed') return;
    if (outcome === 'success') {
      if (d) this.map.delete(name);
    } else if (outcome === 'failure') {
      const cur = d ?? new Destination(name);
      if (!d) this.map.set(name, cur);
      cur.failures++;
      if (cur.failures >= this.o.failures) this.open(cur, this.clock());
    }
  }

  private probeOutcome(d: Destination, id: number, outcome: AttemptOutcome): void {
    if (d.state !== 'half_open' || id !== d.probeId) return;
    const now = this.clock();
    if (outcome === 'success') {
      d.failures = 0;
      d.openedCount = 0;
      this.transition(d, 'closed', now);
      this.map.delete(d.name);
      this.o.onWake?.();
    } else if (outcome === 'failure') {
      d.failures++;
      this.open(d, now);
      // Jobs told to wait for the probe's lease ask again: the next probe time may come first.
      this.o.onWake?.();
    } else {
      d.probeUntil = 0;
      this.o.onWake?.();
    }
  }

  private open(d: Destination, now: number): void {
    d.openedCount++;
    d.nextProbeAt = now + Math.min(this.o.maxOpenMs, this.o.openMs * 2 ** Math.min(30, d.openedCount - 1));
    d.probeUntil = 0;
    this.transition(d, 'open', now);
  }

  private transition(d: Destination, to: BreakerStateName, now: number): void {
    d.state = to;
    d.since = now;
    this.o.onTransition?.({
      destination: d.name,
      state: to,
      since: now,
      consecutiveFailures: d.failures,
      nextProbeAt: to === 'open' ? d.nextProbeAt : 0,
      openedCount: d.openedCount,
    });
  }
}
