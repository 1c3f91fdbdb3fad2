import type { DeliveryMethod } from '@herald/kafka';
import type { Logger } from '@herald/logger';
import type { Db } from '@herald/mongo';
import { Counter, Gauge, type Registry } from '@herald/observability';
import { BreakerStateStore } from '@herald/store';
import type { BreakerSnapshot } from './circuit-breaker.js';
import { EndpointProtection, type WaitReason } from './endpoint-protection.js';

/** Endpoint protection's settings (DELIVERY_HOST_RATE_LIMIT, BREAKER_*). */
export interface ProtectionSettings {
  /** Requests per second to one destination (`host:port`) over all notifications; 0 = no limit (default). */
  destinationRatePerSecond?: number;
  /** Failed attempts in a row that open a destination's breaker; 0 = no breakers (default 5). */
  breakerFailures?: number;
  /** The first open period (default 30 s); doubled by each failed probe up to `breakerMaxOpenMs` (default 10 min). */
  breakerOpenMs?: number;
  breakerMaxOpenMs?: number;
}

export interface RuntimeProtectionOptions {
  method: DeliveryMethod;
  settings: ProtectionSettings;
  /** How long a probe may take before another goes (the attempt timeout and a margin). */
  probeLeaseMs: number;
  registry: Registry;
  logger: Logger;
  /** Jobs waiting somewhere may go now: pump the partitions. */
  wake(): void;
  /** Jobs waiting in this process's partitions (the metric). */
  waiting(): number;
}

/**
 * Endpoint protection as the delivery runtime uses it: the gate with its metrics, breaker
 * transitions written to MongoDB (in order per destination, never holding a delivery up), and
 * open breakers restored from there at start, so a restart does not hammer a destination that
 * was failing.
 */
export class RuntimeProtection {
  readonly gate: EndpointProtection;
  private store: BreakerStateStore | undefined;
  private readonly writes = new Map<string, Promise<void>>();
  private readonly waits: Counter<'method' | 'reason'>;
  private readonly transitions: Counter<'method' | 'state'>;

  constructor(private readonly o: RuntimeProtectionOptions) {
    const s = o.settings;
    const failures = s.breakerFailures ?? 5;
    const openMs = s.breakerOpenMs ?? 30_000;
    this.gate = new EndpointProtection({
      destinationRatePerSecond: s.destinationRatePerSecond ?? 0,
      ...(failures > 0
        ? {
            breaker: {
              failures,
              openMs,
              maxOpenMs: Math.max(openMs, s.breakerMaxOpenMs ?? 600_000),
              probeLeaseMs: o.probeLeaseMs,
              onTransition: (t) => this.transitioned(t),
              onWake: o.wake,
            },
          }
        : {}),
    });
    const registers = [o.registry];
    const method = o.method;
    const breakers = this.gate.breakers;
    this.waits = new Counter({
      name: 'herald_delivery_protection_waits_total',
      help: 'Jobs that started waiting before their attempt, by reason (breaker_open, notification_rate_limit, destination_rate_limit)',
      labelNames: ['method', 'reason'] as const,
      registers,
    });
    this.transitions = new Counter({
      name: 'herald_delivery_breaker_transitions_total',
      help: 'Circuit breaker transitions, by the state entered',
      labelNames: ['method', 'state'] as const,
      registers,
    });
    new Gauge({
      name: 'herald_delivery_breakers',
      help: 'Destinations whose circuit breaker is open or half-open',
      labelNames: ['method', 'state'] as const,
      registers,
      collect() {
        const c = breakers?.counts() ?? { open: 0, half_open: 0 };
        this.set({ method, state: 'open' }, c.open);
        this.set({ method, state: 'half_open' }, c.half_open);
      },
    });
    new Gauge({
      name: 'herald_delivery_waiting',
      help: 'Consumed jobs waiting on endpoint protection (an open breaker, a rate limit): lag that is meant',
      labelNames: ['method'] as const,
      registers,
      collect() {
        this.set({ method }, o.waiting());
      },
    });
  }

  /** A job started waiting. */
  readonly onWait = (reason: WaitReason): void => {
    this.waits.inc({ method: this.o.method, reason });
  };

  /** Restores open breakers from MongoDB and writes transitions there from now on. */
  async attach(db: Db): Promise<void> {
    const store = new BreakerStateStore(db);
    await store.ensureIndexes();
    const breakers = this.gate.breakers;
    if (breakers) {
      for (const s of await store.list(this.o.method, ['open', 'half_open'])) {
        breakers.restore({
          destination: s.destination,
          state: s.state,
          since: s.since.getTime(),
          consecutiveFailures: s.consecutive_failures,
          nextProbeAt: s.next_probe_at?.getTime() ?? 0,
          openedCount: s.opened_count,
        });
        this.o.logger.info({ destination: s.destination, state: s.state, nextProbeAt: s.next_probe_at }, 'circuit breaker restored');
      }
    }
    this.store = store;
  }

  /** Waits for the transitions being written. */
  async flush(): Promise<void> {
    await Promise.all(this.writes.values());
  }

  private transitioned(t: BreakerSnapshot): void {
    const { method, logger } = this.o;
    this.transitions.inc({ method, state: t.state });
    const log = t.state === 'open' ? logger.warn.bind(logger) : logger.info.bind(logger);
    log({ destination: t.destination, state: t.state, consecutiveFailures: t.consecutiveFailures, nextProbeAt: t.nextProbeAt || undefined }, 'circuit breaker transition');
    const store = this.store;
    if (!store) return;
    const doc = {
      method,
      destination: t.destination,
      state: t.state,
      since: new Date(t.since),
      consecutive_failures: t.consecutiveFailures,
      next_probe_at: t.nextProbeAt ? new Date(t.nextProbeAt) : null,
      opened_count: t.openedCount,
    };
    const prev = this.writes.get(t.destination) ?? Promise.resolve();
    const next = prev
      .then(() => store.record(doc))
      .catch((err: unknown) => logger.warn({ err, destination: t.destination }, 'circuit breaker state not recorded'))
      .finally(() => {
        if (this.writes.get(t.destination) === next) this.writes.delete(t.destination);
      });
    this.writes.set(t.destination, next);
  }
}
