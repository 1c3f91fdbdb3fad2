import { Counter, createMetricsRegistry, Gauge, HotCounter, HotHistogram, type Registry } from '@herald/observability';

/**
 * The ingest service's Prometheus metrics; those updated per request or record are hot metrics
 * (exposed as prom-client's would be, without hashing labels per update). `openWindows` is read at
 * scrape time.
 */
export function ingestMetrics(sources: { openWindows: () => number }) {
  const registry: Registry = createMetricsRegistry('ingest');
  const r = [registry];
  return {
    registry,
    requests: new HotCounter({
      name: 'herald_ingest_requests_total',
      help: 'Registry requests by source and outcome (accepted, invalid, unauthorized, throttled, unavailable)',
      labelNames: ['source', 'outcome'] as const,
      registers: r,
    }),
    records: new HotCounter({ name: 'herald_ingest_records_total', help: 'Registry events published to the ingest topic', labelNames: ['source'] as const, registers: r }),
    dropped: new HotCounter({
      name: 'herald_ingest_dropped_total',
      help: 'Registry events accepted but not published: no Herald event for them (pull, delete, mount, untagged push, ...) or a retry already published',
      labelNames: ['source', 'reason'] as const,
      registers: r,
    }),
    coalesced: new HotCounter({
      name: 'herald_ingest_coalescer_records_total',
      help: 'Ingest records consumed by the coalescer, by what became of them',
      labelNames: ['outcome'] as const,
      registers: r,
    }),
    events: new Counter({ name: 'herald_ingest_events_total', help: 'Herald events committed to repository-events', labelNames: ['kind'] as const, registers: r }),
    publishSeconds: new HotHistogram({
      name: 'herald_ingest_publish_seconds',
      labelNames: [],
      help: 'From a request received to its records acknowledged by Kafka',
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
      registers: r,
    }),
    openWindows: new Gauge({
      name: 'herald_ingest_open_windows',
      help: 'Repositories with a coalescing window open',
      registers: r,
      collect() {
        this.set(sources.openWindows());
      },
    }),
  };
}

export type IngestMetrics = ReturnType<typeof ingestMetrics>;
