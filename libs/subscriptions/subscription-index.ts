import type { Subscription } from './notification.js';

/**
 * In-memory index of subscriptions: by uuid, and by (repository, event) for the router's lookup.
 * Applies changes by version so a replayed, older change never overwrites a newer state.
 */
export class SubscriptionIndex {
  private readonly byUuid = new Map<string, Subscription>();
  private readonly byRepoEvent = new Map<string, Map<string, Subscription>>();
  /**
   * forEvent's answers by repository, then event, kept until that (repository, event) changes: the
   * router asks per event, and two lookups of strings it already has cost less than building a key.
   */
  private readonly lists = new Map<string, Map<string, readonly Subscription[]>>();
  /** Highest version seen for deleted uuids, so a late upsert cannot resurrect them. */
  private readonly deleted = new Map<string, number>();

  get size(): number {
    return this.byUuid.size;
  }

  get(uuid: string): Subscription | undefined {
    return this.byUuid.get(uuid);
  }

  /** Subscriptions (enabled or not) of a repository for one event kind; do not modify the array. */
  forEvent(repository: string, event: string): readonly Subscription[] {
    const cached = this.lists.get(repository)?.get(event);
    if (cached) return cached;
    const m = this.byRepoEvent.get(key(repository, event));
    if (!m) return NONE;
    const list = [...m.values()];
    let byEvent = this.lists.get(repository);
    if (!byEvent) this.lists.set(repository, (byEvent = new Map()));
    byEvent.set(event, list);
    return list;
  }

  /** Applies an upsert; returns false when it was stale and ignored. */
  upsert(s: Subscription): boolean {
    const current = this.byUuid.get(s.uuid);
    if (current && current.version > s.version) return false;
    if ((this.deleted.get(s.uuid) ?? 0) >= s.version) return false;
    if (current) this.unlink(current);
    this.byUuid.set(s.uuid, s);
    const k = key(s.repository, s.event);
    let m = this.byRepoEvent.get(k);
    if (!m) this.byRepoEvent.set(k, (m = new Map()));
    m.set(s.uuid, s);
    this.forget(s);
    return true;
  }

  /** Applies a delete at `version`; returns false when a newer state is already known. */
  remove(uuid: string, version: number): boolean {
    const current = this.byUuid.get(uuid);
    if (current && current.version > version) return false;
    this.deleted.set(uuid, Math.max(version, this.deleted.get(uuid) ?? 0));
    if (!current) return true;
    this.unlink(current);
    this.byUuid.delete(uuid);
    return true;
  }

  private unlink(s: Subscription): void {
    const k = key(s.repository, s.event);
    const m = this.byRepoEvent.get(k);
    m?.delete(s.uuid);
    if (m && m.size === 0) this.byRepoEvent.delete(k);
    this.forget(s);
  }

  /** Drops the cached forEvent answer of the subscription's (repository, event). */
  private forget(s: Subscription): void {
    const byEvent = this.lists.get(s.repository);
    if (!byEvent) return;
    byEvent.delete(s.event);
    if (byEvent.size === 0) this.lists.delete(s.repository);
  }
}

const NONE: readonly Subscription[] = Object.freeze([]);

function key(repository: string, event: string): string {
  return `${repository}\u0000${event}`;
}
