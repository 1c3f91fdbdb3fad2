import type { NotificationDoc, NotificationStore, Subscription } from '@herald/subscriptions';

/** What a job's notification is now. */
export type NotificationState =
  | { state: 'active'; doc: NotificationDoc }
  | { state: 'disabled'; doc?: NotificationDoc }
  | { state: 'deleted' };

/** The subscription view's lookup (in memory, current through the change feed). */
export interface SubscriptionSource {
  get(uuid: string): Subscription | undefined;
}

interface CacheEntry {
  doc: NotificationDoc | null;
  expiresAt: number;
}

export interface NotificationLookupOptions {
  /** How long a fetched document is reused (invalidated earlier by feed changes). */
  ttlMs?: number;
  /** How long "no such notification" is remembered. */
  missingTtlMs?: number;
  maxEntries?: number;
}

/**
 * Resolves a job's notification: active ones from a small cache, a "disabled" verdict (from the
 * in-memory view or the cache) confirmed in MongoDB before a job is dropped; the document with its secrets (`config`,
 * `signing_secret`) comes from MongoDB through a small cache that the view's change callback
 * invalidates. MongoDB decides existence, because the view may not have seen a brand-new
 * notification yet (a test job right after creation).
 */
export class NotificationLookup {
  private readonly cache = new Map<string, CacheEntry>();
  private readonly pending = new Map<string, Promise<NotificationDoc | null>>();
  /** Bumped by `invalidate`, so a fetch that was in flight during a change is not cached. */
  private readonly epochs = new Map<string, number>();
  private readonly ttlMs: number;
  private readonly missingTtlMs: number;
  private readonly maxEntries: number;

  constructor(
    private readonly view: SubscriptionSource,
    private readonly store: Pick<NotificationStore, 'get'>,
    opts: NotificationLookupOptions = {},
  ) {
    this.ttlMs = opts.ttlMs ?? 300_000;
    this.missingTtlMs = opts.missingTtlMs ?? 60_000;
    this.maxEntries = opts.maxEntries ?? 10_000;
  }

  /** Forgets what is cached for `uuid` (wired to the view's change callback). */
  invalidate(uuid: string): void {
    this.cache.delete(uuid);
    this.pending.delete(uuid);
    this.epochs.set(uuid, (this.epochs.get(uuid) ?? 0) + 1);
  }

  /** The in-memory subscription (no secrets), if the view knows it. */
  subscription(uuid: string): Subscription | undefined {
    return this.view.get(uuid);
  }

  /**
   * The state without I/O when it is known to be active: the view does not say disabled and the
   * cached document is current and enabled. Undefined otherwise (then `resolve`, which checks
   * MongoDB). The common case of every delivery, so it costs no promise.
   */
  resolveKnown(uuid: string): NotificationState | undefined {
    if (this.view.get(uuid)?.disabled === true) return undefined;
    const hit = this.cache.get(uuid);
    if (!hit || hit.expiresAt <= Date.now() || !hit.doc || hit.doc.disabled) return undefined;
    return { state: 'active', doc: hit.doc };
  }

  /** Throws when MongoDB is unreachable (the caller retries; the job is not lost). */
  async resolve(uuid: string): Promise<NotificationState> {
    const viewDisabled = this.view.get(uuid)?.disabled === true;
    let doc = viewDisabled ? null : await this.fetch(uuid);
    if (viewDisabled || doc?.disabled) {
      // "Disabled" drops the job, so it is confirmed against MongoDB: the view and the cache can lag
      // behind a reset that just happened. Only jobs of disabled notifications pay this read.
      this.invalidate(uuid);
      doc = await this.fetch(uuid);
    }
    if (!doc) return { state: 'deleted' };
    return doc.disabled ? { state: 'disabled', doc } : { state: 'active', doc };
  }

  /** The document whatever its state (null when deleted): for Herald's own alerts about it. */
  document(uuid: string): Promise<NotificationDoc | null> {
    return this.fetch(uuid);
  }

  private async fetch(uuid: string): Promise<NotificationDoc | null> {
    const hit = this.cache.get(uuid);
    if (hit && hit.expiresAt > Date.now()) return hit.doc;
    let p = this.pending.get(uuid);
    if (!p) {
      const epoch = this.epochs.get(uuid) ?? 0;
      p = this.store.get(uuid).then((doc) => {
        if ((this.epochs.get(uuid) ?? 0) !== epoch) return doc;
        if (this.cache.size >= this.maxEntries) this.cache.delete(this.cache.keys().next().value as string);
        this.cache.set(uuid, { doc, expiresAt: Date.now() + (doc ? this.ttlMs : this.missingTtlMs) });
        return doc;
      });
      const mine = p;
      const settle = () => {
        if (this.pending.get(uuid) === mine) this.pending.delete(uuid);
      };
      p.then(settle, settle);
      this.pending.set(uuid, p);
    }
    return p;
  }
}
