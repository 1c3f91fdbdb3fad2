import { TOPICS } from '@herald/kafka';
import { Counter, Gauge, HotCounter, HotHistogram, createMetricsRegistry, type Registry } from '@herald/observability';

/**
 * The router's Prometheus metrics; those updated per event are hot metrics (exposed as prom-client's
 * would be, without hashing labels per update). `sources` are read at scrape time: consumer lag per
 * partition and the view's size.
 */
export function routerMetrics(sources: { lag: () => Promise<Map<number, number>>; subscriptions: () => number }) {
  const registry: Registry = createMetricsRegistry('router');
  const r = [registry];
  return {
    registry,
    eventsIn: new HotCounter({ name: 'herald_router_events_total', help: 'Repository events consumed', labelNames: [], registers: r }),
    jobsOut: new HotCounter({ name: 'herald_router_jobs_total', help: 'Delivery jobs published', labelNames: ['method'] as const, registers: r }),
    filtered: new HotCounter({ name: 'herald_router_filtered_total', help: 'Subscriptions whose event filter rejected an event', labelNames: [], registers: r }),
    skippedDisabled: new HotCounter({ name: 'herald_router_disabled_skipped_total', help: 'Disabled subscriptions skipped', labelNames: [], registers: r }),
    deadLettered: new Counter({ name: 'herald_router_dead_lettered_total', help: 'Events set aside on the dead-letter topic', labelNames: ['reason'] as const, registers: r }),
    transactions: new Counter({ name: 'herald_router_transactions_total', help: 'Committed transactions', registers: r }),
    eventToJobSeconds: new HotHistogram({
      name: 'herald_router_event_to_job_seconds',
      labelNames: [],
      help: 'From an event written to repository-events (its Kafka timestamp) to the commit of the transaction holding its jobs',
      buckets: [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60],
      registers: r,
    }),
    lag: new Gauge({
      name: 'herald_consumer_lag',
      help: 'Consumer lag per partition',
      labelNames: ['topic', 'partition'] as const,
      registers: r,
      async collect() {
        for (const [partition, n] of await sources.lag()) this.set({ topic: TOPICS.repositoryEvents, partition: String(partition) }, n);
      },
    }),
    subscriptions: new Gauge({
      name: 'herald_router_subscriptions',
      help: 'Subscriptions in the in-memory view',
      registers: r,
      collect() {
        this.set(sources.subscriptions());
      },
    }),
  };
}

export type RouterMetrics = ReturnType<typeof routerMetrics>;
