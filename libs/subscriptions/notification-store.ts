import { withDocLock, type Collection, type Db } from '@herald/mongo';
import { HeraldError } from '@herald/errors';
import { scopeFields, type NotificationDoc } from './notification.js';

export const NOTIFICATIONS_COLLECTION = 'notifications';

type Change = { $set?: Partial<NotificationDoc>; $inc?: { number_of_failures?: number } };

export type NewNotification = Omit<NotificationDoc, 'number_of_failures' | 'disabled' | 'disabled_reason' | 'created_at' | 'updated_at' | 'version'>;

/** What an edit (`PUT`) may change. */
export type NotificationEdit = Partial<
  Pick<NotificationDoc, 'title' | 'config' | 'event_config' | 'signing_secret' | 'previous_signing_secret' | 'previous_secret_expires_at'>
>;

/** An edit found the document at another version than the one it was based on. */
export class VersionConflictError extends HeraldError {
  constructor(
    readonly uuid: string,
    readonly expected: number,
    readonly actual: number,
  ) {
    super('VERSION_CONFLICT', `notification ${uuid} is at version ${actual}, not ${expected}`);
  }
}

/** Result of recording a failed delivery. */
export interface FailureOutcome {
  notification: NotificationDoc;
  /** True when this failure crossed the threshold and disabled the notification. */
  justDisabled: boolean;
  /** True when this delivery's failure had been counted already (nothing was changed). */
  repeated: boolean;
}

/** How many counted delivery ids a notification remembers. */
const COUNTED_FAILURES_KEPT = 20;

/** A stored notification: its uuid is its `_id` too. */
type StoredNotification = NotificationDoc & { _id: string };

/**
 * MongoDB repository of notifications. Uses only operations that FerretDB v1 and MongoDB share
 * (plain CRUD, findOneAndUpdate, $inc/$set, unique and compound indexes).
 *
 * A notification's `_id` is its uuid: FerretDB v1 (SQLite) pushes only `_id` filters down and scans
 * the collection for any other field, index or not (a lookup by a `uuid` field took 0.4 s among
 * 20,000 notifications). Every lookup and update here is by `_id`.
 */
export class NotificationStore {
  readonly col: Collection<StoredNotification>;

  constructor(private readonly db: Db) {
    this.col = db.collection<StoredNotification>(NOTIFICATIONS_COLLECTION);
  }

  async ensureIndexes(): Promise<void> {
    await this.col.createIndex({ repository: 1, event: 1 }, { name: 'repository_event' });
    await this.col.createIndex({ scope: 1, namespace: 1 }, { name: 'scope_namespace' });
    await this.rekeyLegacy();
  }

  /**
   * Notifications stored before the uuid became the `_id` (with a generated ObjectId and a unique
   * `uuid` index) are copied under their uuid, then the old copy is removed; the `uuid` index is
   * dropped first (`_id` is unique). Idempotent, and safe to run from several services at once or
   * again after a crash between the copy and the removal. Returns how many were re-keyed.
   */
  async rekeyLegacy(): Promise<number> {
    const indexes = await this.col.indexes().catch(() => []);
    if (indexes.some((i) => i.name === 'uuid_unique')) await this.col.dropIndex('uuid_unique').catch(() => undefined);
    let moved = 0;
    for await (const legacy of this.col.find({ _id: { $type: 'objectId' } } as never)) {
      const { _id: oldId, ...doc } = legacy as unknown as NotificationDoc & { _id: unknown };
      try {
        await this.col.insertOne({ ...doc, _id: doc.uuid });
      } catch (err) {
        // Another service (or an earlier, interrupted run) copied it already.
        if ((err as { code?: number }).code !== 11000) throw err;
      }
      await this.col.deleteOne({ _id: oldId } as never);
      moved++;
    }
    return moved;
  }

  /**
   * Stores a new notification. Its scope: `{ repository: 'ns/app' }` (no `scope`), or
   * `{ repository: '', scope: 'namespace', namespace: 'ns' }`, or `{ repository: '', scope: 'registry' }`.
   */
  async insert(n: NewNotification, now = new Date()): Promise<NotificationDoc> {
    checkScope(n);
    const { scope: _scope, namespace: _namespace, ...rest } = n;
    const doc: NotificationDoc = {
      ...rest,
      ...scopeFields(n),
      number_of_failures: 0,
      disabled: false,
      disabled_reason: null,
      created_at: now,
      updated_at: now,
      version: 1,
    };
    await this.col.insertOne({ ...doc, _id: doc.uuid });
    return doc;
  }

  /** Stores complete documents as they are (bulk loads: benchmarks, imports). */
  async insertMany(docs: readonly NotificationDoc[]): Promise<void> {
    if (docs.length > 0) await this.col.insertMany(docs.map((d) => ({ ...d, _id: d.uuid })));
  }

  get(uuid: string): Promise<NotificationDoc | null> {
    return this.col.findOne({ _id: uuid }, { projection: { _id: 0 } });
  }

  /** The repository's notifications, oldest first (not the namespace's or the registry's that also cover it). */
  listByRepository(repository: string): Promise<NotificationDoc[]> {
    if (repository === '') return Promise.resolve([]);
    return this.col.find({ repository }, { projection: { _id: 0 } }).sort({ created_at: 1 }).toArray();
  }

  /** The namespace-wide notifications of `namespace`, oldest first. */
  listByNamespace(namespace: string): Promise<NotificationDoc[]> {
    return this.col.find({ scope: 'namespace', namespace }, { projection: { _id: 0 } }).sort({ created_at: 1 }).toArray();
  }

  /** The registry-wide notifications, oldest first. */
  listRegistryWide(): Promise<NotificationDoc[]> {
    return this.col.find({ scope: 'registry' }, { projection: { _id: 0 } }).sort({ created_at: 1 }).toArray();
  }

  /** Every notification, for bootstrapping a subscription view. */
  all(): AsyncIterable<NotificationDoc> {
    return this.col.find({}, { projection: { _id: 0, config: 0, signing_secret: 0, previous_signing_secret: 0 } });
  }

  async delete(uuid: string): Promise<NotificationDoc | null> {
    return withoutId(await this.col.findOneAndDelete({ _id: uuid }));
  }

  /** Resets the failure count and re-enables. Returns the updated document, or null if absent. */
  reset(uuid: string): Promise<NotificationDoc | null> {
    return this.update(uuid, { $set: { number_of_failures: 0, disabled: false, disabled_reason: null, disabled_by: null } });
  }

  /** Disables at once (e.g. 410 Gone). */
  disable(uuid: string, reason: string): Promise<NotificationDoc | null> {
    return this.update(uuid, { $set: { disabled: true, disabled_reason: reason } });
  }

  /** A successful delivery: consecutive failures start again from zero. Null when nothing changed. */
  recordSuccess(uuid: string): Promise<NotificationDoc | null> {
    return this.update(uuid, { $set: { number_of_failures: 0 } }, { number_of_failures: { $ne: 0 } });
  }

  /**
   * The failed delivery `deliveryId`. Counted once, however often it is recorded (a crash between
   * this write and the consumer's offset commit re-processes the delivery). Under the
   * notification's lock, so exactly one failure crosses `threshold` and disables (one alert).
   */
  recordFailure(uuid: string, threshold: number, reason: string, deliveryId: string): Promise<FailureOutcome | null> {
    return this.locked(uuid, async () => {
      const current = await this.get(uuid);
      if (!current) return null;
      const counted = current.counted_failures ?? [];
      if (counted.includes(deliveryId)) return { notification: current, justDisabled: false, repeated: true };
      const $set: Partial<NotificationDoc> = { counted_failures: [...counted, deliveryId].slice(-COUNTED_FAILURES_KEPT) };
      const disables = !current.disabled && current.number_of_failures + 1 >= threshold;
      if (disables) Object.assign($set, { disabled: true, disabled_reason: reason, disabled_by: deliveryId });
      const n = await this.apply(uuid, { $set, $inc: { number_of_failures: 1 } });
      return n ? { notification: n, justDisabled: disables, repeated: false } : null;
    });
  }

  /**
   * Applies an edit if the document is still at `expectedVersion` (optimistic concurrency: an edit
   * based on an older read is refused, never applied over a change it did not see). Null if absent.
   */
  edit(uuid: string, expectedVersion: number, changes: NotificationEdit): Promise<NotificationDoc | null> {
    return this.locked(uuid, async () => {
      const current = await this.get(uuid);
      if (!current) return null;
      if (current.version !== expectedVersion) throw new VersionConflictError(uuid, expectedVersion, current.version);
      return this.apply(uuid, { $set: changes }, { version: expectedVersion });
    });
  }

  /**
   * Removes the previous signing secret of the notifications whose rotation overlap has ended
   * (without a new version: the change feed carries no secrets). Returns how many were cleaned.
   */
  async dropExpiredPreviousSecrets(now = new Date()): Promise<number> {
    const expired = await this.col.find({ previous_secret_expires_at: { $lte: now } }, { projection: { _id: 1 } }).toArray();
    let dropped = 0;
    for (const { _id } of expired) if (await this.dropExpiredPreviousSecret(_id, now)) dropped++;
    return dropped;
  }

  /** Removes the notification's previous signing secret if its overlap has ended by `now`. */
  dropExpiredPreviousSecret(uuid: string, now = new Date()): Promise<boolean> {
    return this.locked(uuid, async () => {
      const r = await this.col.updateOne(
        { _id: uuid, previous_secret_expires_at: { $lte: now } },
        { $unset: { previous_signing_secret: '', previous_secret_expires_at: '' } },
      );
      return r.modifiedCount > 0;
    });
  }

  private update(uuid: string, change: Change, where: Record<string, unknown> = {}): Promise<NotificationDoc | null> {
    return this.locked(uuid, () => this.apply(uuid, change, where));
  }

  // Every read-modify-write of a notification holds its lock: FerretDB v1 does not make
  // findOneAndUpdate atomic, and a lost `version` increment would let a view drop a change.
  private locked<T>(uuid: string, fn: () => Promise<T>): Promise<T> {
    return withDocLock(this.db, `notification:${uuid}`, fn);
  }

  private async apply(uuid: string, change: Change, where: Record<string, unknown> = {}): Promise<NotificationDoc | null> {
    // No projection: FerretDB v1 does not implement `fields` in findAndModify.
    const doc = await this.col.findOneAndUpdate(
      { _id: uuid, ...where },
      { $set: { ...change.$set, updated_at: new Date() }, $inc: { ...change.$inc, version: 1 } },
      { returnDocument: 'after' },
    );
    return withoutId(doc);
  }
}

/** A scope's fields must agree: a repository name only for repository scope, a namespace only for namespace scope. */
function checkScope(n: Pick<NotificationDoc, 'repository' | 'scope' | 'namespace'>): void {
  const scope = n.scope ?? 'repository';
  const ok =
    scope === 'repository'
      ? n.repository !== '' && n.namespace === undefined
      : scope === 'namespace'
        ? n.repository === '' && typeof n.namespace === 'string' && n.namespace !== '' && !n.namespace.includes('/')
        : n.repository === '' && n.namespace === undefined;
  if (!ok) throw new HeraldError('INVALID_SCOPE', `notification scope ${scope}: repository ${JSON.stringify(n.repository)}, namespace ${JSON.stringify(n.namespace ?? null)}`);
}

function withoutId(doc: (NotificationDoc & { _id?: unknown }) | null): NotificationDoc | null {
  if (!doc) return null;
  const { _id: _ignored, ...rest } = doc;
  return rest;
}
