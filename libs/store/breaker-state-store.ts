import type { Collection, Db } from '@herald/mongo';

export const DELIVERY_BREAKERS_COLLECTION = 'delivery_breakers';

/** A destination's circuit breaker: closed (attempts go out), open (jobs wait), half-open (one probe out). */
export type BreakerStateName = 'closed' | 'open' | 'half_open';

/** The last transition of one delivery method's breaker for one destination (`host:port`). */
export interface BreakerState {
  method: string;
  /** `host:port` of the notification's URL (the port spelled out: 443 for https). */
  destination: string;
  state: BreakerStateName;
  /** When it entered this state. */
  since: Date;
  /** Failed attempts in a row when it entered this state (0 once closed by a success). */
  consecutive_failures: number;
  /** When an open breaker lets its next probe out; null when closed. */
  next_probe_at: Date | null;
  /** Times it opened since it was last closed (the back-off grows with it). */
  opened_count: number;
}

interface BreakerDoc extends BreakerState {
  _id: string;
}

const idOf = (method: string, destination: string) => `${method} ${destination}`;

/**
 * Circuit breaker transitions of the delivery services, one document per method and destination
 * (written on transitions only, never per attempt). The delivery runtime restores open breakers
 * from it after a restart; the health API reads it. Replicas of one method each keep their own
 * breaker and write their transitions here: the document is the latest of them.
 */
export class BreakerStateStore {
  readonly col: Collection<BreakerDoc>;

  constructor(db: Db) {
    this.col = db.collection<BreakerDoc>(DELIVERY_BREAKERS_COLLECTION);
  }

  async ensureIndexes(): Promise<void> {
    await this.col.createIndex({ method: 1, state: 1 }, { name: 'method_state' });
  }

  /** Records a transition (replaces the destination's previous one). */
  async record(s: BreakerState): Promise<void> {
    const doc: BreakerDoc = { _id: idOf(s.method, s.destination), ...s };
    await this.col.replaceOne({ _id: doc._id }, doc, { upsert: true });
  }

  /** The destination's last transition, or undefined when it never failed (closed). */
  async get(method: string, destination: string): Promise<BreakerState | undefined> {
    const doc = await this.col.findOne({ _id: idOf(method, destination) });
    return doc ? strip(doc) : undefined;
  }

  /** Breakers of a method (all, or only those in the given states), for restoring and listing. */
  async list(method: string, states?: readonly BreakerStateName[]): Promise<BreakerState[]> {
    const filter = states ? { method, state: { $in: [...states] } } : { method };
    const docs = await this.col.find(filter).toArray();
    return docs.map(strip);
  }
}

function strip(doc: BreakerDoc): BreakerState {
  const { _id, ...rest } = doc;
  void _id;
  return rest;
}
