import { HeraldError } from '@herald/errors';

/**
 * MongoDB driver errors that say the database is unreachable or between primaries, not that the
 * request is wrong (by class name: only libs/mongo imports the driver).
 */
const MONGO_UNAVAILABLE = new Set([
  'MongoNetworkError',
  'MongoNetworkTimeoutError',
  'MongoServerSelectionError',
  'MongoServerClosedError',
  'MongoStalePrimaryError',
  'MongoTopologyClosedError',
  'MongoNotConnectedError',
  'MongoPoolClearedError',
  'PoolClearedOnNetworkError',
  'MongoWaitQueueTimeoutError',
  'MongoOperationTimeoutError',
]);

/** Labels the driver puts on errors a retry can fix. */
const MONGO_TRANSIENT_LABELS = ['RetryableWriteError', 'ResetPool', 'TransientTransactionError'];

/** Server codes of the same (HostUnreachable, NetworkTimeout, ShutdownInProgress, NotWritablePrimary, PrimarySteppedDown…). */
const MONGO_UNAVAILABLE_CODES = new Set([6, 7, 89, 91, 189, 262, 9001, 10107, 11600, 11602, 13435, 13436]);

/**
 * True when an error thrown inside a sender comes from Herald's own infrastructure being
 * unreachable (MongoDB, Kafka, the schema registry) rather than from the endpoint. Such a failure
 * says nothing about the endpoint: it must not become a delivery outcome, count towards disabling
 * the notification, or use up a retry level.
 */
export function isInfrastructureFailure(err: unknown): boolean {
  if (err instanceof HeraldError) return err.code === 'REGISTRY_UNAVAILABLE';
  if (typeof err !== 'object' || err === null) return false;
  const { name, code, retriable, errorLabels } = err as { name?: unknown; code?: unknown; retriable?: unknown; errorLabels?: unknown };
  if (typeof name !== 'string') return false;
  if (MONGO_UNAVAILABLE.has(name)) return true;
  if (name.startsWith('Mongo') && Array.isArray(errorLabels) && errorLabels.some((l) => MONGO_TRANSIENT_LABELS.includes(l as string))) return true;
  if (name === 'MongoServerError' && typeof code === 'number') return MONGO_UNAVAILABLE_CODES.has(code);
  // kafkajs marks what a retry can fix (connection lost, leader moving, request timed out).
  return name.startsWith('KafkaJS') && retriable === true;
}

/**
 * An attempt that could not be made because Herald's own infrastructure failed inside the sender:
 * not an outcome. The partition worker prepares the job again after a back-off (it is not
 * committed meanwhile), as for any other infrastructure step.
 */
export class InfrastructureFailure extends HeraldError {
  constructor(what: string, cause: unknown) {
    super('INFRASTRUCTURE_UNAVAILABLE', `${what}: ${cause instanceof Error ? cause.message : String(cause)}`, { retriable: true, cause });
  }
}
