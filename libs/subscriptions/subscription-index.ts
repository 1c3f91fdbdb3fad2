import type { Subscription } from './notification.js';
import { namespaceOf } from './notification.js';

/** The subscriptions of one (scope, event kind), with the array the router reads kept until they change. */
class Bucket {
  readonly members = new Map<string, Subscription>();
  private list: readonly Subscription[] | undefined;

  get subscriptions(): readonly Subscription[] {
    return (this.list ??= [...this.members.values()]);
  }

  set(s: Subscription): void {
    this.members.set(s.uuid, s);
    this.list = undefined;
  }

  delete(uuid: string): void {
    this.members.delete(uuid);
    this.list = undefined;
  }
}

/**
 * In-memory index of subscriptions: by uuid, and by scope and event kind for the router's lookups.
 * A subscription sits in exactly one bucket (its repository's, its namespace's or the registry's),
 * so an event that reaches all three lookups meets each subscription at most once. Every lookup is
 * one or two map reads (nested maps: the router already has the repository and kind as strings,
 * and building a composite key would cost more). Applies changes by version so a replayed, older
 * change never overwrites a newer state.
 *
 * The router asks `forEvent`: the three scopes' subscriptions of an event in one array, kept per
 * (repository, event) until a change touches them, so an event costs the same two map reads
 * whether namespace-wide and registry-wide subscriptions exist or not (no namespace cut out of the
 * repository, no third lookup, no arrays joined per event).
 */
export class SubscriptionIndex {
  private readonly byUuid = new Map<string, Subscription>();
  /** Repository subscriptions: repository → event → bucket. */
  private readonly repositories = new Map<string, Map<string, Bucket>>();
  /** Namespace subscriptions: namespace → event → bucket. */
  private readonly namespaces = new Map<string, Map<string, Bucket>>();
  /** Registry-wide subscriptions: event → bucket. */
  private readonly registry = new Map<string, Bucket>();
  /** Highest version seen for deleted uuids, so a late upsert cannot resurrect them. */
  private readonly deleted = new Map<string, number>();
  /**
   * forEvent's answers while namespace or registry subscriptions exist: repository → event → the
   * three scopes' subscriptions. A repository change drops its repository's entry; a namespace or
   * registry change, or more than MAX_REACHED repositories, drops them all.
   */
  private readonly reached = new Map<string, Map<string, readonly Subscription[]>>();

  get size(): number {
    return this.byUuid.size;
  }

  get(uuid: string): Subscription | undefined {
    return this.byUuid.get(uuid);
  }

  /** Repository subscriptions (enabled or not) of `repository` for one event kind; do not modify the array. */
  forRepository(repository: string, event: string): readonly Subscription[] {
    return this.repositories.get(repository)?.get(event)?.subscriptions ?? NONE;
  }

  /** Namespace subscriptions of the namespace `repository` belongs to, for one event kind. */
  forNamespaceOf(repository: string, event: string): readonly Subscription[] {
    // Most registries have no namespace subscriptions: then the event's namespace is not even cut out.
    if (this.namespaces.size === 0) return NONE;
    return this.namespaces.get(namespaceOf(repository))?.get(event)?.subscriptions ?? NONE;
  }

  /** Registry-wide subscriptions for one event kind. */
  forRegistry(event: string): readonly Subscription[] {
    return this.registry.get(event)?.subscriptions ?? NONE;
  }

  /**
   * Every subscription (enabled or not) an event of kind `event` in `repository` reaches: the
   * repository's, then its namespace's, then the registry's, each once; do not modify the array.
   */
  forEvent(repository: string, event: string): readonly Subscription[] {
    if (this.namespaces.size === 0 && this.registry.size === 0) return this.forRepository(repository, event);
    let byEvent = this.reached.get(repository);
    let subs = byEvent?.get(event);
    if (subs !== undefined) return subs;
    if (!byEvent) {
      if (this.reached.size >= MAX_REACHED) this.reached.clear();
      this.reached.set(repository, (byEvent = new Map()));
    }
    subs = joined(this.forRepository(repository, event), this.forNamespaceOf(repository, event), this.forRegistry(event));
    byEvent.set(event, subs);
    return subs;
  }

  /** Applies an upsert; returns false when it was stale and ignored. */
  upsert(s: Subscription): boolean {
    const current = this.byUuid.get(s.uuid);
    if (current && current.version > s.version) return false;
    if ((this.deleted.get(s.uuid) ?? 0) >= s.version) return false;
    if (current) this.unlink(current);
    this.forget(s);
    this.byUuid.set(s.uuid, s);
    this.bucket(s, true).set(s);
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

  /** Drops forEvent's answers that `s` is (or was) in. */
  private forget(s: Subscription): void {
    if (this.reached.size === 0) return;
    if (s.scope === 'namespace' || s.scope === 'registry') this.reached.clear();
    else this.reached.delete(s.repository);
  }

  private unlink(s: Subscription): void {
    this.forget(s);
    const b = this.bucket(s, false);
    if (!b) return;
    b.delete(s.uuid);
    if (b.members.size > 0) return;
    if (s.scope === 'registry') {
      this.registry.delete(s.event);
      return;
    }
    const [byScope, scopeKey] = s.scope === 'namespace' ? [this.namespaces, s.namespace ?? ''] : [this.repositories, s.repository];
    const byEvent = byScope.get(scopeKey);
    byEvent?.delete(s.event);
    if (byEvent?.size === 0) byScope.delete(scopeKey);
  }

  private bucket(s: Subscription, create: true): Bucket;
  private bucket(s: Subscription, create: false): Bucket | undefined;
  private bucket(s: Subscription, create: boolean): Bucket | undefined {
    let byEvent: Map<string, Bucket> | undefined;
    if (s.scope === 'registry') byEvent = this.registry;
    else {
      const [byScope, scopeKey] = s.scope === 'namespace' ? [this.namespaces, s.namespace ?? ''] : [this.repositories, s.repository];
      byEvent = byScope.get(scopeKey);
      if (!byEvent && create) byScope.set(scopeKey, (byEvent = new Map()));
    }
    let b = byEvent?.get(s.event);
    if (!b && create && byEvent) byEvent.set(s.event, (b = new Bucket()));
    return b;
  }
}

const NONE: readonly Subscription[] = Object.freeze([]);

/** Repositories whose forEvent answers are kept at most (about 200 bytes each); past it they start over. */
const MAX_REACHED = 50_000;

/** The three lists as one; an empty scope costs nothing, and a single non-empty one is returned as it is. */
function joined(a: readonly Subscription[], b: readonly Subscription[], c: readonly Subscription[]): readonly Subscription[] {
  if (b.length === 0 && c.length === 0) return a;
  if (a.length === 0 && c.length === 0) return b;
  if (a.length === 0 && b.length === 0) return c;
  return Object.freeze([...a, ...b, ...c]);
}
