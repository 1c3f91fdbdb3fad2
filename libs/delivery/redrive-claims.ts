import { isDuplicateKey, type Collection, type Db } from '@herald/mongo';

export const DELIVERY_REDRIVES_COLLECTION = 'delivery_redrives';

interface RedriveDoc {
  /** `<dlq topic>/<partition>/<offset>`: one dead-lettered message. */
  _id: string;
  notification_uuid: string;
  state: 'claimed' | 'done';
  claimed_at: Date;
}

/**
 * Which dead-lettered messages were re-driven, so a message is re-driven once however often an
 * admin asks. A claim that never completed (the process died in between) can be taken again
 * after `staleMs`.
 */
export class RedriveClaims {
  private readonly col: Collection<RedriveDoc>;

  constructor(db: Db, private readonly staleMs = 120_000) {
    this.col = db.collection<RedriveDoc>(DELIVERY_REDRIVES_COLLECTION);
  }

  async ensureIndexes(): Promise<void> {
    await this.col.createIndex({ notification_uuid: 1 }, { name: 'notification' });
  }

  /** True when this caller may re-drive the message. */
  async claim(id: string, notificationUuid: string, now = new Date()): Promise<boolean> {
    try {
      await this.col.insertOne({ _id: id, notification_uuid: notificationUuid, state: 'claimed', claimed_at: now });
      return true;
    } catch (err) {
      if (!isDuplicateKey(err)) throw err;
    }
    const stale = new Date(now.getTime() - this.staleMs);
    const taken = await this.col.findOneAndUpdate({ _id: id, state: 'claimed', claimed_at: { $lt: stale } }, { $set: { claimed_at: now } });
    return taken !== null;
  }

  async complete(ids: readonly string[]): Promise<void> {
    if (ids.length > 0) await this.col.updateMany({ _id: { $in: [...ids] } }, { $set: { state: 'done' } });
  }

  /** Gives claims back (the publish failed), so a later request can re-drive them. */
  async release(ids: readonly string[]): Promise<void> {
    if (ids.length > 0) await this.col.deleteMany({ _id: { $in: [...ids] }, state: 'claimed' });
  }
}
