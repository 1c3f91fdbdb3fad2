import type { SchemaRegistryCodec } from '@herald/events';
import type { DeliveryMethod, Kafka, RecordProducer } from '@herald/kafka';
import type { Logger } from '@herald/logger';
import type { MongoClient } from '@herald/mongo';
import type { DependencyProbes, Lifecycle, NeededDependency, Registry } from '@herald/observability';
import type { AttemptLogOptions } from './attempt-log.js';
import type { InspectionLimits } from './inspection.js';
import type { ProtectionSettings } from './protection-runtime.js';
import type { Sender } from './sender.js';

export interface DeliveryRuntimeOptions {
  method: DeliveryMethod;
  sender: Sender;
  /** Consumes the job and retry topics (kafkajs). */
  kafka: Kafka;
  /**
   * Publishes results, retries, dead letters and alerts (idempotent, acks = all). Connected by
   * `start()` and closed by `stop()`.
   */
  records: RecordProducer;
  codec: SchemaRegistryCodec;
  /** Connected by `start()`; closing it is the caller's. */
  mongo: MongoClient;
  dbName: string;
  logger: Logger;
  /** Where the runtime's metrics go (the service's registry). */
  registry: Registry;
  /** One group per method service (e.g. `herald-delivery-webhook`). */
  groupId: string;
  /** One fixed delay per retry topic (default SPEC §4: 10 s … 6 h). */
  retryDelaysMs?: readonly number[];
  /** Per-attempt limit (default 10 s). */
  attemptTimeoutMs?: number;
  /** Attempts in flight in this process (default 64). */
  concurrency?: number;
  /** Attempts in flight per partition (default 16). */
  partitionConcurrency?: number;
  /** Attempts in flight per notification (default 4): a hanging endpoint holds no more slots. */
  notificationConcurrency?: number;
  /** Unfinished messages per partition before its fetching pauses (default 1,000). */
  maxBufferedPerPartition?: number;
  /** Consecutive failed deliveries that disable a notification (default 3). */
  /**
   * E-mail the alert of a disabled notification too (to the repository's confirmed addresses, sent
   * by the e-mail service), besides the in-app one (default true).
   */
  alertEmail?: boolean;
  failureThreshold?: number;
  sessionTimeoutMs?: number;
  /** Where a brand-new group starts (default true: deliver what is already queued). */
  fromBeginning?: boolean;
  attemptLog?: Omit<AttemptLogOptions, 'logger'>;
  /** Attempt inspection (request/response per attempt, kept `retentionMs`); off when absent or `enabled` false. */
  inspection?: { enabled: boolean; limits: InspectionLimits; retentionMs: number };
  /** Count attempts per notification on a metric too (label cardinality grows with notifications; default false). */
  perNotificationMetrics?: boolean;
  /**
   * `host:port` every attempt goes to when the notification's config has no URL (the API host of
   * Flowdock and HipChat): their breaker and destination rate limit. None by default.
   */
  destination?: string | undefined;
  /** Rate limits per destination and circuit breakers (default: breakers on, no destination limit). */
  protection?: ProtectionSettings;
  /** How often finished offsets are committed (default 100 ms). */
  commitIntervalMs?: number;
  /** How often the attempt log is pruned (default 60 s). */
  pruneIntervalMs?: number;
  /** No progress on a partition with work for this long is a stall (default 60 s). */
  stallTimeoutMs?: number;
  /**
   * The service's lifecycle: the runtime fails it when it cannot recover by itself (a stalled
   * partition, a consumer crash kafkajs will not restart, a lost subscription feed).
   */
  lifecycle: Lifecycle;
  /** What the work needs right now: a partition that waits while one is unreachable is not stalled. */
  dependencies?: Pick<DependencyProbes, 'failing'>;
  /** Told when a job's schema id is not cached and the registry does not answer (one of `dependencies`). */
  schemaRegistry?: NeededDependency;
}
