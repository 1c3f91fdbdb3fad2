import { bool, commonShape, int, list, str, type ConfigOf, type Reader } from '@herald/config';
import type { DeliveryRuntimeOptions } from '@herald/delivery';
import { DEFAULT_RETRY_DELAYS_MS } from '@herald/kafka';

/** A comma-separated list of integers within [min, max] (a retry schedule in ms). */
function intList(fallback: readonly number[], min: number, max: number): Reader<number[]> {
  const read = list(fallback.map(String));
  return (env, name, problems) => {
    const items = read(env, name, problems);
    const nums = items.map(Number);
    if (nums.length === 0 || items.some((s, i) => !/^\d+$/.test(s) || (nums[i] as number) < min || (nums[i] as number) > max)) {
      problems.push(`${name} must be a comma-separated list of integers between ${min} and ${max}, got "${items.join(',')}"`);
      return [...fallback];
    }
    return nums;
  };
}

/**
 * The variables every delivery service shares (the same names as delivery-webhook's): where the
 * stack is, the ops server, and the delivery runtime's tuning.
 */
export function deliveryShape(service: string, opsPort: number) {
  return {
    ...commonShape,
    OPS_HOST: str('127.0.0.1'),
    OPS_PORT: int(opsPort, 0, 65535),
    DELIVERY_GROUP_ID: str(`herald-${service}`),
    /** One delay per retry topic; the default is SPEC §4's 10 s, 1 min, 5 min, 30 min, 2 h, 6 h. */
    DELIVERY_RETRY_DELAYS_MS: intList(DEFAULT_RETRY_DELAYS_MS, 0, 6 * 24 * 3600_000),
    DELIVERY_ATTEMPT_TIMEOUT_MS: int(10_000, 100, 300_000),
    DELIVERY_CONCURRENCY: int(64, 1, 10_000),
    DELIVERY_PARTITION_CONCURRENCY: int(16, 1, 10_000),
    DELIVERY_NOTIFICATION_CONCURRENCY: int(4, 1, 10_000),
    DELIVERY_MAX_BUFFERED_PER_PARTITION: int(1_000, 10, 1_000_000),
    DELIVERY_FAILURE_THRESHOLD: int(3, 1, 1_000),
    DELIVERY_SESSION_TIMEOUT_MS: int(10_000, 6_000, 300_000),
    DELIVERY_FROM_BEGINNING: bool(true),
    ATTEMPT_LOG_MAX_AGE_SECONDS: int(14 * 24 * 3600, 60, 365 * 24 * 3600),
    ATTEMPT_LOG_MAX_PER_NOTIFICATION: int(200, 1, 100_000),
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
    sessionTimeoutMs: c.DELIVERY_SESSION_TIMEOUT_MS,
    fromBeginning: c.DELIVERY_FROM_BEGINNING,
    attemptLog: { maxAgeMs: c.ATTEMPT_LOG_MAX_AGE_SECONDS * 1000, maxPerNotification: c.ATTEMPT_LOG_MAX_PER_NOTIFICATION },
  } satisfies Partial<DeliveryRuntimeOptions>;
}
