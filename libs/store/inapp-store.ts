import { randomUUID } from 'node:crypto';
import { isDuplicateKey, type Collection, type Db, type Filter } from '@herald/mongo';

export const INAPP_COLLECTION = 'inapp_notifications';

export const INAPP_TARGET_KINDS = ['user', 'team', 'org'] as const;
export type InAppTargetKind = (typeof INAPP_TARGET_KINDS)[number];

export interface InAppTarget {
  kind: InAppTargetKind;
  name: string;
}

/** One in-app notification addressed to one user, team or org. */
export interface InAppDoc {
  uuid: string;
  target: InAppTarget;
  /** The event kind (`repo_push`, …) or a Herald kind such as `notification_disabled`. */
  kind: string;
  repository: string;
  /** The event JSON as delivered. */
  data: Record<string, unknown>;
  created: Date;
  dismissed: boolean;
  /** The delivery this came from; with the target, unique, so a redelivery adds nothing. */
  delivery_id: string;
  /** The repository notification that produced it, when there is one. */
  notification_uuid: string | null;
}

export type NewInApp = Omit<InAppDoc, 'uuid' | 'created' | 'dismissed' | 'notification_uuid'> & {
  created?: Date;
  notification_uuid?: string | null;
};

/** Whose notifications to read: a user, their teams and the orgs they administer. */
export interface InAppRecipient {
  user: string;
  teams: readonly string[];
  orgs: readonly string[];
}

export interface InAppPage {
  notifications: InAppDoc[];
  page: number;
  has_additional: boolean;
}

const PROJECTION = { _id: 0 } as const;

function withoutId(d: InAppDoc & { _id?: unknown }): InAppDoc {
  const { _id: _ignored, ...rest } = d;
  return rest;
}

function addressedTo(r: InAppRecipient): Filter<InAppDoc> {
  const or: Filter<InAppDoc>[] = [{ 'target.kind': 'user', 'target.name': r.user }];
  if (r.teams.length > 0) or.push({ 'target.kind': 'team', 'target.name': { $in: [...r.teams] } });
  if (r.orgs.length > 0) or.push({ 'target.kind': 'org', 'target.name': { $in: [...r.orgs] } });
  return { $or: or };
}

/** The in-app notification area (SPEC §3 `quay_notification`). */
export class InAppStore {
  readonly col: Collection<InAppDoc>;

  constructor(db: Db) {
    this.col = db.collection<InAppDoc>(INAPP_COLLECTION);
  }

  async ensureIndexes(): Promise<void> {
    await this.col.createIndex({ uuid: 1 }, { unique: true, name: 'uuid_unique' });
    await this.col.createIndex(
      { delivery_id: 1, 'target.kind': 1, 'target.name': 1 },
      { unique: true, name: 'delivery_target_unique' },
    );
    await this.col.createIndex({ 'target.kind': 1, 'target.name': 1, dismissed: 1, created: -1 }, { name: 'target_created' });
  }

  /**
   * Stores one in-app notification, idempotently: a second insert for the same delivery and target
   * returns the stored one with `inserted: false`.
   */
  async insertInApp(n: NewInApp): Promise<{ notification: InAppDoc; inserted: boolean }> {
    const doc: InAppDoc = {
      uuid: randomUUID(),
      target: { kind: n.target.kind, name: n.target.name },
      kind: n.kind,
      repository: n.repository,
      data: n.data,
      created: n.created ?? new Date(),
      dismissed: false,
      delivery_id: n.delivery_id,
      notification_uuid: n.notification_uuid ?? null,
    };
    try {
      await this.col.insertOne({ ...doc });
      return { notification: doc, inserted: true };
    } catch (err) {
      if (!isDuplicateKey(err)) throw err;
      const existing = await this.col.findOne(
        { delivery_id: n.delivery_id, 'target.kind': n.target.kind, 'target.name': n.target.name },
        { projection: PROJECTION },
      );
      if (!existing) throw err;
      return { notification: existing, inserted: false };
    }
  }

  /** The recipient's undismissed notifications, newest first; `page` counts from 1. */
  async listFor(r: InAppRecipient, page: number, limit: number): Promise<InAppPage> {
    const docs = await this.col
      .find({ ...addressedTo(r), dismissed: false }, { projection: PROJECTION })
      .sort({ created: -1, uuid: -1 })
      .skip((page - 1) * limit)
      .limit(limit + 1)
      .toArray();
    return { notifications: docs.slice(0, limit), page, has_additional: docs.length > limit };
  }

  /** One notification, only if addressed to the recipient (dismissed ones included). */
  getFor(r: InAppRecipient, uuid: string): Promise<InAppDoc | null> {
    return this.col.findOne({ uuid, ...addressedTo(r) }, { projection: PROJECTION });
  }

  /** Sets `dismissed`; null when the notification is not the recipient's. */
  async setDismissedFor(r: InAppRecipient, uuid: string, dismissed: boolean): Promise<InAppDoc | null> {
    // No projection here: FerretDB v1's findAndModify does not implement `fields`.
    const d = await this.col.findOneAndUpdate({ uuid, ...addressedTo(r) }, { $set: { dismissed } }, { returnDocument: 'after' });
    return d ? withoutId(d) : null;
  }
}
