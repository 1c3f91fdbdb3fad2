/**
 * Every Kafka topic Herald uses, with its partitions and retention. Nothing else spells a topic name.
 */
export const DELIVERY_METHODS = ['webhook', 'email', 'slack', 'flowdock', 'hipchat', 'quay_notification'] as const;
export type DeliveryMethod = (typeof DELIVERY_METHODS)[number];

const DAY_MS = 24 * 60 * 60 * 1000;

export interface TopicSpec {
  name: string;
  partitions: number;
  config: Record<string, string>;
}

export const TOPICS = {
  repositoryEvents: 'repository-events',
  repositoryEventsDlq: 'repository-events.dlq',
  subscriptionChanges: 'subscription-changes',
  deliveryResults: 'delivery-results',
  /** Registry events accepted by the ingest service (JSON, keyed by repository), before coalescing. */
  ingestRecords: 'ingest.registry-records',
  jobs: (method: DeliveryMethod): string => `notifications.${method}`,
  retry: (method: DeliveryMethod, n: number): string => `notifications.${method}.retry.${n}`,
  dlq: (method: DeliveryMethod): string => `notifications.${method}.dlq`,
  /** Output of the benchmarks' baseline pipes; never read by a service. */
  benchSink: 'herald-bench.sink',
} as const;

export const PARTITIONS = { events: 12, jobs: 12 } as const;

/** Default retry schedule of SPEC §4, one fixed delay per retry topic. */
export const DEFAULT_RETRY_DELAYS_MS = [10_000, 60_000, 300_000, 1_800_000, 7_200_000, 21_600_000] as const;

/**
 * The full set of topics for a deployment with `retryLevels` retry topics per method. `prefix` puts
 * the same set under other names (tests); services always use the unprefixed names.
 */
export function topicSpecs(retryLevels: number = DEFAULT_RETRY_DELAYS_MS.length, opts: { prefix?: string } = {}): TopicSpec[] {
  const week = String(7 * DAY_MS);
  const specs: TopicSpec[] = [
    { name: TOPICS.repositoryEvents, partitions: PARTITIONS.events, config: { 'retention.ms': week } },
    { name: TOPICS.repositoryEventsDlq, partitions: 1, config: { 'retention.ms': String(30 * DAY_MS) } },
    { name: TOPICS.subscriptionChanges, partitions: 1, config: { 'cleanup.policy': 'compact' } },
    { name: TOPICS.deliveryResults, partitions: PARTITIONS.jobs, config: { 'retention.ms': week } },
    // As many partitions as repository-events: a repository's records stay on one coalescer.
    { name: TOPICS.ingestRecords, partitions: PARTITIONS.events, config: { 'retention.ms': week } },
  ];
  for (const m of DELIVERY_METHODS) {
    specs.push({ name: TOPICS.jobs(m), partitions: PARTITIONS.jobs, config: { 'retention.ms': week } });
    // Retention must exceed the longest delay so a waiting retry is never deleted before it is due.
    for (let n = 1; n <= retryLevels; n++) {
      specs.push({ name: TOPICS.retry(m, n), partitions: PARTITIONS.jobs, config: { 'retention.ms': week } });
    }
    specs.push({ name: TOPICS.dlq(m), partitions: PARTITIONS.jobs, config: { 'retention.ms': String(30 * DAY_MS) } });
  }
  const prefix = opts.prefix ?? '';
  return prefix === '' ? specs : specs.map((s) => ({ ...s, name: `${prefix}${s.name}` }));
}

/** Message header names, in one place. */
export const HEADERS = {
  dlqReason: 'herald-dlq-reason',
  dlqError: 'herald-dlq-error',
  sourceTopic: 'herald-source-topic',
  sourcePartition: 'herald-source-partition',
  sourceOffset: 'herald-source-offset',
  dueAt: 'herald-due-at',
  attempt: 'herald-attempt',
  /** On a job made by a replay of past events: the replay's id (the job's delivery id is the original one). */
  replayed: 'herald-replayed',
} as const;
