import { isDuplicateKey, type Collection, type Db } from '@herald/mongo';

export const RECENT_REFS_COLLECTION = 'recent_refs';

/** Longer refs are not kept (git allows long names; a preview has no use for them). */
export const MAX_RECENT_REF_LENGTH = 1024;

/** A ref a build of the repository was triggered for, and when the newest such build happened. */
export interface RecentRef {
  ref: string;
  /** `occurred_at` of the newest build event seen with this ref. */
  at: Date;
}

/** One document per repository: its last few distinct build refs, newest first. */
export interface RecentRefsDoc {
  repository: string;
  refs: RecentRef[];
  /** When a build event of this repository was last recorded; old documents are pruned by it. */
  updated_at: Date;
  /** Compare-and-set guard of read-modify-write. */
  version: number;
}

/**
 * The newest `limit` distinct refs of `existing` and `seen` together, newest first. A ref keeps its
 * newest time; equal times keep `seen` first, latest first (the order a partition delivered them).
 * Union, then the top `limit`: applying the same events again, or in another order, gives the
 * same list, so a consumer may replay a batch after a crash.
 */
export function mergeRecentRefs(existing: readonly RecentRef[], seen: readonly RecentRef[], limit: number): RecentRef[] {
  const newest = new Map<string, RecentRef>();
  for (const r of [...seen].reverse().concat(existing)) {
    if (r.ref.length === 0 || r.ref.length > MAX_RECENT_REF_LENGTH) continue;
    const had = newest.get(r.ref);
    if (!had || r.at.getTime() > had.at.getTime()) newest.set(r.ref, { ref: r.ref, at: r.at });
  }
  // Map order is first-insertion order; the sort is stable, so ties keep it.
  return [...newest.values()].sort((a, b) => b.at.getTime() - a.at.getTime()).slice(0, limit);
}

function sameRefs(a: readonly RecentRef[], b: readonly RecentRef[]): boolean {
  return a.length === b.length && a.every((r, i) => r.ref === b[i]?.ref && r.at.getTime() === b[i]?.at.getTime());
}

const MAX_ATTEMPTS = 5;

/**
 * The last few refs built in each repository (issue 16: the admin page's ref-regex preview). Herald
 * has no catalogue of refs: the config service records them from the build events it consumes.
 * Bounded: at most `limit` refs per repository, and repositories with no build for `retention`
 * are deleted by `prune` (FerretDB has no TTL indexes).
 */
export class RecentRefsStore {
  readonly col: Collection<RecentRefsDoc>;

  constructor(
    db: Db,
    readonly limit: number,
  ) {
    this.col = db.collection<RecentRefsDoc>(RECENT_REFS_COLLECTION);
  }

  async ensureIndexes(): Promise<void> {
    await this.col.createIndex({ repository: 1 }, { unique: true, name: 'repository_unique' });
    await this.col.createIndex({ updated_at: 1 }, { name: 'updated_at' });
  }

  /** The repository's recent refs, newest first (empty when none was recorded). */
  async list(repository: string): Promise<RecentRef[]> {
    const doc = await this.col.findOne({ repository }, { projection: { _id: 0, refs: 1 } });
    return (doc?.refs ?? []).slice(0, this.limit);
  }

  /**
   * Adds refs seen in build events of one repository (in the order they were consumed). A
   * read-modify-write guarded by `version`: a writer that lost a race reads again. Nothing is
   * written when the list would not change (a replayed batch).
   */
  async record(repository: string, seen: readonly RecentRef[], now = new Date()): Promise<void> {
    for (let attempt = 1; ; attempt++) {
      const doc = await this.col.findOne({ repository });
      const refs = mergeRecentRefs(doc?.refs ?? [], seen, this.limit);
      if (doc && sameRefs(doc.refs, refs)) return;
      try {
        if (!doc) {
          await this.col.insertOne({ repository, refs, updated_at: now, version: 1 });
          return;
        }
        const r = await this.col.updateOne({ repository, version: doc.version }, { $set: { refs, updated_at: now }, $inc: { version: 1 } });
        if (r.matchedCount === 1) return;
      } catch (err) {
        if (!isDuplicateKey(err)) throw err;
      }
      if (attempt >= MAX_ATTEMPTS) throw new Error(`recent refs of ${repository}: lost ${MAX_ATTEMPTS} concurrent updates in a row`);
    }
  }

  /** Deletes repositories with no build recorded since `before`; returns how many. */
  async prune(before: Date): Promise<number> {
    const r = await this.col.deleteMany({ updated_at: { $lt: before } });
    return r.deletedCount;
  }
}
