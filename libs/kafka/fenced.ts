/**
 * Broker answers that mean this transactional producer is no longer the owner of its transactional
 * id (another producer with the same id initialised after it, or the coordinator bumped its epoch)
 * or may not use it. None is fixed by retrying with the same producer: kafkajs 2.2.4 knows
 * INVALID_PRODUCER_EPOCH (what brokers answer its old request versions instead of PRODUCER_FENCED),
 * PRODUCER_FENCED is listed for newer clients.
 *
 * UNKNOWN_SERVER_ERROR is counted too: Kafka 4.4's transaction coordinator (its EndTxn path for transaction version 1) answers it to an EndTxn
 * that races an epoch fence (its log: "IllegalStateException: Preparing transaction state transition
 * to ONGOING while it already a pending state PREPARE_EPOCH_FENCE"; seen in CI when another producer
 * took the id mid-commit). Taking the id back then would fence the new owner; stopping for good is
 * the safe answer to an error the broker cannot explain (a restarted process starts clean).
 */
const FENCED = new Set(['INVALID_PRODUCER_EPOCH', 'PRODUCER_FENCED', 'TRANSACTIONAL_ID_AUTHORIZATION_FAILED', 'INVALID_PRODUCER_ID_MAPPING', 'UNKNOWN_SERVER_ERROR']);

/** The fencing error in an error's cause chain (kafkajs wraps its protocol errors), or undefined. */
export function fencedCause(err: unknown): { type: string; message: string } | undefined {
  for (let e = err, depth = 0; e && typeof e === 'object' && depth < 10; e = (e as { cause?: unknown }).cause, depth++) {
    const type = (e as { type?: unknown }).type;
    if (typeof type === 'string' && FENCED.has(type)) return { type, message: (e as Error).message };
  }
  return undefined;
}
