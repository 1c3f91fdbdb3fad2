import { isDuplicateKey, type Collection, type Db } from '@herald/mongo';
import type { ReplayCounts } from '@herald/routing';

export const REPLAYS_COLLECTION = 'notification_replays';

export type ReplayState = 'running' | 'done' | 'cancelled' | 'failed';

/**
 * The latest replay of a notification, one document per notification (`_id` its uuid): a second
 * replay while one runs cannot be stored, which is what makes "one at a time" hold across
 * config-api replicas. The instance running it writes `heartbeat_at` with its progress; a running
 * replay whose heartbeat stopped is failed by the next reader.
 */
export interface ReplayDoc extends ReplayCounts {
  _id: string;
  id: string;
  notification_uuid: string;
  state: ReplayState;
  from: Date;
  to: Date;
  total: number;
  requested_by: string;
  created_at: Date;
  heartbeat_at: Date;
  finished_at: Date | null;
  error: string | null;
}

export type NewReplay = Omit<ReplayDoc, '_id' | 'state' | 'scanned' | 'matched' | 'produced' | 'done' | 'heartbeat_at' | 'finished_at' | 'error'>;

export class ReplayStore {
  readonly col: Collection<ReplayDoc>;

  /** @param staleMs a running replay whose heartbeat is older than this is counted as failed. */
  constructor(
    db: Db,
    readonly staleMs: number,
  ) {
    this.col = db.collection<ReplayDoc>(REPLAYS_COLLECTION);
  }

  /** Stores a new running replay; null when one is already running for the notification. */
  async start(r: NewReplay, now = new Date()): Promise<ReplayDoc | null> {
    const doc: ReplayDoc = { ...r, _id: r.notification_uuid, state: 'running', scanned: 0, matched: 0, produced: 0, done: 0, heartbeat_at: now, finished_at: null, error: null };
    const { _id, ...fields } = doc;
    try {
      const res = await this.col.findOneAndUpdate(
        { _id, $or: [{ state: { $ne: 'running' } }, { heartbeat_at: { $lt: new Date(now.getTime() - this.staleMs) } }] },
        { $set: fields },
        { upsert: true, returnDocument: 'after' },
      );
      return res ?? null;
    } catch (err) {
      if (isDuplicateKey(err)) return null;
      throw err;
    }
  }

  /** The notification's latest replay; a running one whose instance stopped is failed first. */
  async get(notificationUuid: string, now = new Date()): Promise<ReplayDoc | null> {
    const doc = await this.col.findOne({ _id: notificationUuid });
    if (doc?.state !== 'running' || doc.heartbeat_at.getTime() >= now.getTime() - this.staleMs) return doc;
    const failed = await this.col.findOneAndUpdate(
      { _id: notificationUuid, id: doc.id, state: 'running', heartbeat_at: doc.heartbeat_at },
      { $set: { state: 'failed', finished_at: now, error: 'the config-api instance running it stopped' } },
      { returnDocument: 'after' },
    );
    return failed ?? (await this.col.findOne({ _id: notificationUuid }));
  }

  /** Records progress of a running replay; false when it is no longer running (cancelled, or failed). */
  async progress(notificationUuid: string, id: string, counts: ReplayCounts, now = new Date()): Promise<boolean> {
    const res = await this.col.updateOne({ _id: notificationUuid, id, state: 'running' }, { $set: { ...counts, heartbeat_at: now } });
    return res.matchedCount > 0;
  }

  /** Ends a running replay in `state`; a replay cancelled meanwhile keeps its state and gets the final counts and `finished_at`. */
  async finish(notificationUuid: string, id: string, state: Exclude<ReplayState, 'running'>, counts: ReplayCounts, error: string | null = null, now = new Date()): Promise<void> {
    const res = await this.col.updateOne({ _id: notificationUuid, id, state: 'running' }, { $set: { ...counts, state, error, finished_at: now, heartbeat_at: now } });
    if (res.matchedCount === 0) await this.col.updateOne({ _id: notificationUuid, id, finished_at: null }, { $set: { ...counts, finished_at: now } });
  }

  /**
   * Cancels the running replay; null when none runs. `finished_at` stays null until the instance
   * running it has stopped and stored its final counts.
   */
  async cancel(notificationUuid: string): Promise<ReplayDoc | null> {
    return this.col.findOneAndUpdate({ _id: notificationUuid, state: 'running' }, { $set: { state: 'cancelled' } }, { returnDocument: 'after' });
  }
}
