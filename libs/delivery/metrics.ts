import { Counter, Gauge, HotCounter, HotHistogram, type Registry } from '@herald/observability';

/**
 * The delivery runtime's Prometheus metrics (labelled by method). The three updated on every
 * delivery (attempts, attempt duration, end-to-end time) are hot metrics: exposed as prom-client's
 * would be, without hashing labels per update.
 */
export function createDeliveryMetrics(registry: Registry, sources: { inFlight: () => number; buffered: () => number; ready: () => boolean }) {
  const registers = [registry];
  return {
    attempts: new HotCounter({
      name: 'herald_delivery_attempts_total',
      help: 'Delivery attempts by outcome (success, retry, dead_letter) and error class',
      labelNames: ['method', 'outcome', 'error_class'] as const,
      registers,
    }),
    dropped: new Counter({
      name: 'herald_delivery_dropped_total',
      help: 'Jobs dropped without an attempt because their notification is deleted or disabled, or its edited tag filter matches none of the event’s tags (reason filtered)',
      labelNames: ['method', 'reason'] as const,
      registers,
    }),
    deadLettered: new Counter({
      name: 'herald_delivery_dead_lettered_total',
      help: 'Jobs set aside on the dead-letter topic, by reason',
      labelNames: ['method', 'reason'] as const,
      registers,
    }),
    attemptLogDropped: new Counter({
      name: 'herald_delivery_attempt_log_dropped_total',
      help: 'Attempt log entries dropped because MongoDB could not keep up',
      labelNames: ['method'] as const,
      registers,
    }),
    notificationAttempts: new Counter({
      name: 'herald_delivery_notification_attempts_total',
      help: 'Delivery attempts per notification by outcome (only with METRICS_PER_NOTIFICATION=on: one series per notification)',
      labelNames: ['method', 'notification', 'outcome'] as const,
      registers,
    }),
    inspectionDropped: new Counter({
      name: 'herald_delivery_inspection_dropped_total',
      help: 'Attempt inspection records dropped because MongoDB could not keep up',
      labelNames: ['method'] as const,
      registers,
    }),
    disabled: new Counter({ name: 'herald_delivery_disabled_total', help: 'Notifications disabled by failure accounting', labelNames: ['method'] as const, registers }),
    attemptSeconds: new HotHistogram({
      name: 'herald_delivery_attempt_duration_seconds',
      help: 'Duration of delivery attempts',
      labelNames: ['method'] as const,
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
      registers,
    }),
    endToEndSeconds: new HotHistogram({
      name: 'herald_delivery_end_to_end_seconds',
      help: 'Job creation to successful delivery',
      labelNames: ['method'] as const,
      buckets: [0.01, 0.05, 0.1, 0.25, 0.5, 1, 5, 30, 120, 600, 3600, 21600],
      registers,
    }),
    stalledPartitions: new Gauge({
      name: 'herald_delivery_stalled_partitions',
      help: 'Partitions with work and no progress past DELIVERY_STALL_TIMEOUT_MS (the watchdog turns /healthz 503)',
      labelNames: ['method'] as const,
      registers,
    }),
    ready: new Gauge({
      name: 'herald_service_ready',
      help: '1 while the service is ready (see /readyz for the reason when it is not)',
      registers,
      collect() {
        this.set(sources.ready() ? 1 : 0);
      },
    }),
    inFlight: new Gauge({
      name: 'herald_delivery_in_flight',
      help: 'Delivery attempts in flight',
      registers,
      collect() {
        this.set(sources.inFlight());
      },
    }),
    buffered: new Gauge({
      name: 'herald_delivery_buffered',
      help: 'Consumed messages not yet finished (waiting, in flight or being recorded)',
      registers,
      collect() {
        this.set(sources.buffered());
      },
    }),
  };
}

export type DeliveryMetrics = ReturnType<typeof createDeliveryMetrics>;
