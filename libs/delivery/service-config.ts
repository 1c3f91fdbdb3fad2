import { bool, commonShape, int, oneOf, opsShape, str, type ConfigOf } from '@herald/config';
import type { DeliveryRuntimeOptions } from './runtime-options.js';
import { retryDelaysMs } from '@herald/kafka';

/**
 * The variables every delivery service shares: where the
 * stack is, the ops server, and the delivery runtime's tuning.
 */
export function deliveryShape(service: string, opsPort: number) {
  return {
    ...commonShape,
    ...opsShape(opsPort),
    DELIVERY_GROUP_ID: str(`herald-${service}`),
    /**
     * One delay per retry topic; the default is SPEC §4's 10 s, 1 min, 5 min, 30 min, 2 h, 6 h. The
     * same reader gives `herald topics` its number of retry topics.
     */
    DELIVERY_RETRY_DELAYS_MS: retryDelaysMs(),
    DELIVERY_ATTEMPT_TIMEOUT_MS: int(10_000, 100, 300_000),
    DELIVERY_CONCURRENCY: int(64, 1, 10_000),
    DELIVERY_PARTITION_CONCURRENCY: int(16, 1, 10_000),
    DELIVERY_NOTIFICATION_CONCURRENCY: int(4, 1, 10_000),
    DELIVERY_MAX_BUFFERED_PER_PARTITION: int(1_000, 10, 1_000_000),
    DELIVERY_FAILURE_THRESHOLD: int(3, 1, 1_000),
    /** Also e-mail a disabled notification's alert to the repository's confirmed addresses. */
    DELIVERY_DISABLE_ALERT_EMAIL: bool(true),
    DELIVERY_SESSION_TIMEOUT_MS: int(10_000, 6_000, 300_000),
    DELIVERY_FROM_BEGINNING: bool(true),
    /**
     * A partition with work and no progress (no attempt started, nothing finished or committed) for
     * this long is stalled: logged with its state counts, shown on a metric, and /healthz turns 503
     * so the process is restarted. 0 = 3 × the attempt timeout, at least 60 s.
     */
    DELIVERY_STALL_TIMEOUT_MS: int(0, 0, 3_600_000),
    ATTEMPT_LOG_MAX_AGE_SECONDS: int(14 * 24 * 3600, 60, 365 * 24 * 3600),
    ATTEMPT_LOG_MAX_PER_NOTIFICATION: int(200, 1, 100_000),
    /** Attempt inspection: each attempt's request and response (masked, capped) kept in MongoDB; needed for resend. */
    INSPECTION: oneOf(['on', 'off'] as const, 'on'),
    /** Bytes of each request body kept by inspection (the response body keeps 4 KiB). */
    INSPECTION_BODY_BYTES: int(16 * 1024, 0, 1024 * 1024),
    INSPECTION_RETENTION_DAYS: int(7, 1, 365),
    /** Requests per second to one destination (`host:port`) over all its notifications; 0 = no limit. */
    DELIVERY_HOST_RATE_LIMIT: int(0, 0, 100_000),
    /** Failed attempts in a row that open a destination's circuit breaker (jobs for it wait); 0 = no breakers. */
    BREAKER_FAILURES: int(5, 0, 1_000),
    /** How long an opened breaker waits before its probe; each failed probe doubles it, up to BREAKER_MAX_OPEN_MS. */
    BREAKER_OPEN_MS: int(30_000, 100, 3_600_000),
    BREAKER_MAX_OPEN_MS: int(600_000, 100, 86_400_000),
    /** A metric series per notification (`herald_delivery_notification_attempts_total`); off keeps label cardinality bounded. */
    METRICS_PER_NOTIFICATION: oneOf(['on', 'off'] as const, 'off'),
  };
}

export type DeliveryConfig = ConfigOf<ReturnType<typeof deliveryShape>>;

/** The runtime's tuning from the service's config. */
export function runtimeTuning(c: DeliveryConfig) {
  return {
    groupId: c.DELIVERY_GROUP_ID,
    retryDelaysMs: c.DELIVERY_RETRY_DELAYS_MS,
    attemptTimeoutMs: c.DELIVERY_ATTEMPT_TIMEOUT_MS,
    concurrency: c.DELIVERY_CONCURRENCY,
    partitionConcurrency: c.DELIVERY_PARTITION_CONCURRENCY,
    notificationConcurrency: c.DELIVERY_NOTIFICATION_CONCURRENCY,
    maxBufferedPerPartition: c.DELIVERY_MAX_BUFFERED_PER_PARTITION,
    failureThreshold: c.DELIVERY_FAILURE_THRESHOLD,
    alertEmail: c.DELIVERY_DISABLE_ALERT_EMAIL,
    sessionTimeoutMs: c.DELIVERY_SESSION_TIMEOUT_MS,
    fromBeginning: c.DELIVERY_FROM_BEGINNING,
    stallTimeoutMs: c.DELIVERY_STALL_TIMEOUT_MS || Math.max(60_000, 3 * c.DELIVERY_ATTEMPT_TIMEOUT_MS),
    attemptLog: { maxAgeMs: c.ATTEMPT_LOG_MAX_AGE_SECONDS * 1000, maxPerNotification: c.ATTEMPT_LOG_MAX_PER_NOTIFICATION },
    inspection: {
      enabled: c.INSPECTION === 'on',
      limits: { requestBodyBytes: c.INSPECTION_BODY_BYTES, responseBodyBytes: 4 * 1024 },
      retentionMs: c.INSPECTION_RETENTION_DAYS * 24 * 3600_000,
    },
    perNotificationMetrics: c.METRICS_PER_NOTIFICATION === 'on',
    protection: {
      destinationRatePerSecond: c.DELIVERY_HOST_RATE_LIMIT,
      breakerFailures: c.BREAKER_FAILURES,
      breakerOpenMs: c.BREAKER_OPEN_MS,
      breakerMaxOpenMs: c.BREAKER_MAX_OPEN_MS,
    },
  } satisfies Partial<DeliveryRuntimeOptions>;
}
