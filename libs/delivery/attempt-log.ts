import type { DeliveryOutcome } from '@herald/events';
import type { Collection, Db } from '@herald/mongo';
import type { Logger } from '@herald/logger';

export const DELIVERY_ATTEMPTS_COLLECTION = 'delivery_attempts';

/** One delivery attempt (or a dropped job) of a notification, as the API shows it. */
export interface AttemptRecord {
  notification_uuid: string;
  delivery_id: string;
  /** 1 for the first attempt. */
  attempt: number;
  time: Date;
  outcome: DeliveryOutcome;
  status_code: number | null;
  /** What went wrong, never with secrets; null on success. */
  error: string | null;
  error_class: string | null;
  duration_ms: number;
  /** The event kind delivered. */
  kind: string | null;
  test: boolean;
}

/** One entry inside a bucket: short keys, absent fields left out (the log is written at delivery rate). */
interface StoredEntry {
  d: string;
  a: number;
  /** Epoch ms. */
  t: number;
  o: DeliveryOutcome;
  ms: number;
  s?: number;
  e?: string;
  c?: string;
  k?: string;
  x?: true;
}

/**
 * A bucket: the attempts of one notification written together (MongoDB's bucket pattern), so a
 * busy notification costs one document per flush instead of one per attempt. The entries are one
 * JSON string (`packed`), not an array of sub-documents: the database never queries inside them,
 * and FerretDB converts every stored value one by one, which at delivery rate cost it more CPU
 * than the delivery service itself spent.
 */
interface Bucket {
  notification_uuid: string;
  first: Date;
  last: Date;
  n: number;
  /** JSON of StoredEntry[]. */
  packed: string;
}

function unpack(b: Pick<Bucket, 'packed'>): StoredEntry[] {
  try {
    return JSON.parse(b.packed) as StoredEntry[];
  } catch {
    return []; // a damaged bucket hides its own entries, not the whole log
  }
}

export interface AttemptLogOptions {
  /** Entries older than this are pruned (default 14 days). */
  maxAgeMs?: number;
  /** About this many entries are kept per notification, at least (default 200). */
  maxPerNotification?: number;
  /** Buffered entries are written at least this often (default 1 s). */
  flushIntervalMs?: number;
  /** Entries buffered at most while MongoDB is slow or down; the oldest are dropped beyond (default 50,000). */
  maxBuffered?: number;
  logger?: Logger;
  /** Called with the number of entries dropped because the buffer was full. */
  onDropped?: (n: number) => void;
}

export interface AttemptListOptions {
  /** Default 50, at most 500. */
  limit?: number;
  /** Only entries strictly older than this (paging: pass the last entry's `time`). */
  before?: Date;
}

const BUCKET_ENTRIES = 200;

function toStored(r: AttemptRecord): StoredEntry {
  const e: StoredEntry = { d: r.delivery_id, a: r.attempt, t: r.time.getTime(), o: r.outcome, ms: r.duration_ms };
  if (r.status_code !== null) e.s = r.status_code;
  if (r.error !== null) e.e = r.error;
  if (r.error_class !== null) e.c = r.error_class;
  if (r.kind !== null) e.k = r.kind;
  if (r.test) e.x = true;
  return e;
}

function fromStored(uuid: string, e: StoredEntry): AttemptRecord {
  return {
    notification_uuid: uuid,
    delivery_id: e.d,
    attempt: e.a,
    time: new Date(e.t),
    outcome: e.o,
    status_code: e.s ?? null,
    error: e.e ?? null,
    error_class: e.c ?? null,
    duration_ms: e.ms,
    kind: e.k ?? null,
    test: e.x ?? false,
  };
}

/**
 * The attempt log in MongoDB (`delivery_attempts`). Writes are buffered for up to a second and go
 * out as one bucket document per notification, so the log costs no round-trip per delivery and
 * little per entry; the last second of entries can be lost in a crash (the log is informational;
 * `delivery-results` has every attempt). Bounded by age and by count per notification, pruned
 * explicitly because FerretDB has no TTL indexes.
 */
export class AttemptLog {
  readonly col: Collection<Bucket>;
  readonly maxAgeMs: number;
  readonly maxPerNotification: number;
  private buffer: AttemptRecord[] = [];
  private readonly touched = new Set<string>();
  private flushTimer: NodeJS.Timeout | undefined;
  private flushing: Promise<void> | undefined;

  constructor(db: Db, private readonly opts: AttemptLogOptions = {}) {
    this.col = db.collection<Bucket>(DELIVERY_ATTEMPTS_COLLECTION);
    this.maxAgeMs = opts.maxAgeMs ?? 14 * 24 * 3600_000;
    this.maxPerNotification = opts.maxPerNotification ?? 200;
  }

  async ensureIndexes(): Promise<void> {
    await this.col.createIndex({ notification_uuid: 1, last: -1 }, { name: 'notification_last' });
    await this.col.createIndex({ last: 1 }, { name: 'last' });
  }

  /** A notification's entries, newest first. */
  async list(notificationUuid: string, opts: AttemptListOptions = {}): Promise<AttemptRecord[]> {
    const limit = Math.min(Math.max(1, Math.floor(opts.limit ?? 50)), 500);
    const filter = opts.before ? { notification_uuid: notificationUuid, first: { $lt: opts.before } } : { notification_uuid: notificationUuid };
    const out: AttemptRecord[] = [];
    // Buckets of concurrent writers overlap in time: keep reading while a bucket may still hold
    // entries newer than the oldest of the `limit` newest found so far.
    for await (const b of this.col.find(filter, { projection: { _id: 0 } }).sort({ last: -1 })) {
      if (out.length >= limit) {
        out.sort((x, y) => y.time.getTime() - x.time.getTime());
        if (b.last.getTime() < (out[limit - 1] as AttemptRecord).time.getTime()) break;
      }
      for (const e of unpack(b)) if (!opts.before || e.t < opts.before.getTime()) out.push(fromStored(notificationUuid, e));
    }
    return out.sort((x, y) => y.time.getTime() - x.time.getTime()).slice(0, limit);
  }

  /** Queues an entry; written within `flushIntervalMs`. */
  record(entry: AttemptRecord): void {
    this.buffer.push(entry);
    this.touched.add(entry.notification_uuid);
    const max = this.opts.maxBuffered ?? 50_000;
    if (this.buffer.length > max) {
      const dropped = this.buffer.length - max;
      this.buffer.splice(0, dropped);
      this.opts.onDropped?.(dropped);
    }
    this.flushTimer ??= setTimeout(() => void this.flush(), this.opts.flushIntervalMs ?? 1_000);
  }

  /** Writes everything buffered so far. Failures are logged, not thrown: the log never blocks delivery. */
  async flush(): Promise<void> {
    if (this.flushTimer) clearTimeout(this.flushTimer);
    this.flushTimer = undefined;
    while (this.flushing || this.buffer.length > 0) {
      if (this.flushing) {
        await this.flushing;
        continue;
      }
      const docs = this.buckets(this.buffer);
      const entries = this.buffer.length;
      this.buffer = [];
      this.flushing = this.col
        .insertMany(docs, { ordered: false })
        .then(() => undefined)
        .catch((err: unknown) => this.opts.logger?.warn({ error: (err as Error).message, entries }, 'attempt log write failed'))
        .finally(() => (this.flushing = undefined));
    }
  }

  private buckets(records: AttemptRecord[]): Bucket[] {
    const byUuid = new Map<string, AttemptRecord[]>();
    for (const r of records) {
      const list = byUuid.get(r.notification_uuid);
      if (list) list.push(r);
      else byUuid.set(r.notification_uuid, [r]);
    }
    const out: Bucket[] = [];
    for (const [uuid, list] of byUuid) {
      for (let i = 0; i < list.length; i += BUCKET_ENTRIES) {
        const part = list.slice(i, i + BUCKET_ENTRIES);
        const times = part.map((r) => r.time.getTime());
        out.push({ notification_uuid: uuid, first: new Date(Math.min(...times)), last: new Date(Math.max(...times)), n: part.length, packed: JSON.stringify(part.map(toStored)) });
      }
    }
    return out;
  }

  /**
   * Deletes buckets older than the maximum age, and for every notification written to since the
   * last prune, the buckets beyond its newest `maxPerNotification` entries.
   */
  async prune(now = Date.now()): Promise<number> {
    let deleted = (await this.col.deleteMany({ last: { $lt: new Date(now - this.maxAgeMs) } })).deletedCount;
    const uuids = [...this.touched];
    this.touched.clear();
    for (const uuid of uuids) deleted += await this.pruneNotification(uuid);
    return deleted;
  }

  /** Keeps (at least) the newest `maxPerNotification` entries of one notification; returns buckets deleted. */
  async pruneNotification(uuid: string): Promise<number> {
    let kept = 0;
    let edge: Date | undefined;
    for await (const b of this.col.find({ notification_uuid: uuid }, { projection: { _id: 0, last: 1, first: 1, n: 1 } }).sort({ last: -1 })) {
      kept += b.n;
      if (kept >= this.maxPerNotification) {
        edge = b.first;
        break;
      }
    }
    if (!edge) return 0;
    return (await this.col.deleteMany({ notification_uuid: uuid, last: { $lt: edge } })).deletedCount;
  }
}
