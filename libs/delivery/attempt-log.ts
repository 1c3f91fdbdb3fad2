import type { DeliveryOutcome } from '@herald/events';
import { bucketLines } from './line-buckets.js';
import type { ObjectId} from '@herald/mongo';
import { type Collection, type Db } from '@herald/mongo';
import type { Logger } from '@herald/logger';
import { esc, unesc } from './line-escape.js';

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

/** An entry of an old bucket (`packed`, JSON): short keys, absent fields left out. Read, no longer written. */
interface PackedEntry {
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
 * string, one line per entry (see `lineOf`), not an array of sub-documents: the database never
 * queries inside them, and FerretDB converts every stored value one by one, which at delivery rate
 * cost it more CPU than the delivery service itself spent. Lines rather than JSON because FerretDB
 * (SQLite) spends about 45 ns per stored byte and twice that on a byte it must escape, such as
 * JSON's quotes: lines are about half the bytes and have no quotes.
 */
interface Bucket {
  /** Set when the bucket is built, so a retried write cannot store it twice. */
  _id?: ObjectId;
  notification_uuid: string;
  first: Date;
  last: Date;
  n: number;
  /** Entries as lines (buckets written since lines were introduced). */
  lines?: string;
  /** Entries as JSON of PackedEntry[] (older buckets). */
  packed?: string;
}

const OUTCOME_CODES: Record<DeliveryOutcome, string> = { success: 's', retry: 'r', dead_letter: 'd', dropped: 'x' };
const OUTCOMES_BY_CODE = new Map<string, DeliveryOutcome>(Object.entries(OUTCOME_CODES).map(([o, c]) => [c, o as DeliveryOutcome]));

/**
 * One entry as a line of tab-separated fields: delivery id, attempt, time (epoch ms, base 36),
 * outcome code, duration ms, status code, error class, event kind, test flag ('1' or ''), and the
 * error message last (the field is absent when there is no error; '' is an empty message).
 */
function lineOf(r: AttemptRecord): string {
  const head = `${esc(r.delivery_id)}\t${r.attempt}\t${r.time.getTime().toString(36)}\t${OUTCOME_CODES[r.outcome]}\t${r.duration_ms}\t${r.status_code ?? ''}\t${r.error_class === null ? '' : esc(r.error_class)}\t${r.kind === null ? '' : esc(r.kind)}\t${r.test ? '1' : ''}`;
  return r.error === null ? head : `${head}\t${esc(r.error)}`;
}

/** An entry from its line; undefined for a damaged line (it hides itself, not the whole log). */
function fromLine(uuid: string, line: string): AttemptRecord | undefined {
  const f = line.split('\t');
  if (f.length < 9) return undefined;
  const outcome = OUTCOMES_BY_CODE.get(f[3] as string);
  const time = parseInt(f[2] as string, 36);
  if (!outcome || !Number.isFinite(time)) return undefined;
  return {
    notification_uuid: uuid,
    delivery_id: unesc(f[0] as string),
    attempt: Number(f[1]),
    time: new Date(time),
    outcome,
    status_code: f[5] === '' ? null : Number(f[5]),
    error: f.length > 9 ? unesc(f.slice(9).join('\t')) : null,
    error_class: f[6] === '' ? null : unesc(f[6] as string),
    duration_ms: Number(f[4]),
    kind: f[7] === '' ? null : unesc(f[7] as string),
    test: f[8] === '1',
  };
}

function fromPacked(uuid: string, e: PackedEntry): AttemptRecord {
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

/** A bucket's entries, of either layout. */
function entriesOf(uuid: string, b: Pick<Bucket, 'lines' | 'packed'>): AttemptRecord[] {
  if (typeof b.lines === 'string') {
    const out: AttemptRecord[] = [];
    for (const line of b.lines.split('\n')) {
      const r = fromLine(uuid, line);
      if (r) out.push(r);
    }
    return out;
  }
  if (typeof b.packed !== 'string') return [];
  try {
    return (JSON.parse(b.packed) as PackedEntry[]).map((e) => fromPacked(uuid, e));
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
  /**
   * Entries held at most, buffered or waiting for a retried write while MongoDB is slow or down
   * (default 50,000). When full, `record` drops the new entry and counts it (see `full`,
   * `whenNotFull` for callers that can slow down instead).
   */
  maxBuffered?: number;
  /** Delay before the first retry of a failed write; doubles per failure (default 1 s). */
  retryInitialMs?: number;
  /** Longest delay between retries of a failed write (default 30 s). */
  retryMaxMs?: number;
  logger?: Logger;
  /** Called with the number of entries dropped: recorded while full, or still unwritten when `flush()` gave up. */
  onDropped?: (n: number) => void;
}

export interface AttemptListOptions {
  /** Default 50, at most 500. */
  limit?: number;
  /** Only entries strictly older than this (paging: pass the last entry's `time`). */
  before?: Date;
}

const BUCKET_ENTRIES = 200;
/** Buckets per insert: a write after a long outage goes out in several inserts. */
const WRITE_BUCKETS = 500;
const DUPLICATE_KEY = 11000;

/** A recorded entry waiting for the next flush, already in its stored form. */
interface Queued {
  uuid: string;
  /** Epoch ms. */
  t: number;
  line: string;
}

/**
 * Indexes of `docs` known to be stored after a failed insert: a duplicate `_id` is a bucket that
 * an earlier attempt wrote (its reply was lost); when the driver accounts for every document (an
 * unordered insert that failed for some), the others were written too.
 */
export function storedDespite(err: unknown, docs: number): Set<number> {
  const e = err as { name?: string; writeErrors?: unknown; insertedCount?: number };
  const list = Array.isArray(e.writeErrors) ? (e.writeErrors as { index?: number; code?: number }[]) : e.writeErrors ? [e.writeErrors as { index?: number; code?: number }] : [];
  const failed = new Set(list.filter((w) => w.code !== DUPLICATE_KEY).map((w) => w.index));
  const stored = new Set<number>();
  const accounted = e.name === 'MongoBulkWriteError' && typeof e.insertedCount === 'number' && e.insertedCount + list.length === docs;
  if (accounted) {
    for (let i = 0; i < docs; i++) if (!failed.has(i)) stored.add(i);
  } else {
    for (const w of list) if (w.code === DUPLICATE_KEY && typeof w.index === 'number') stored.add(w.index);
  }
  return stored;
}

/**
 * The attempt log in MongoDB (`delivery_attempts`). Writes are buffered for up to a second and go
 * out as one bucket document per notification, so the log costs no round-trip per delivery and
 * little per entry; the last second of entries can be lost in a crash (the log is informational;
 * `delivery-results` has every attempt). Bounded by age and by count per notification, pruned
 * explicitly because FerretDB has no TTL indexes.
 *
 * While MongoDB is down, entries are kept (up to `maxBuffered`) and written with back-off when it
 * returns. A bucket gets its `_id` when it is built and keeps it through retries, so a write whose
 * reply was lost is not stored twice.
 */
export class AttemptLog {
  readonly col: Collection<Bucket>;
  readonly maxAgeMs: number;
  readonly maxPerNotification: number;
  readonly maxBuffered: number;
  /** Entries recorded since the last write began. */
  private buffer: Queued[] = [];
  /** Buckets built, not yet known to be stored; written before anything newer. */
  private unsent: Bucket[] = [];
  private unsentEntries = 0;
  private readonly touched = new Set<string>();
  private timer: NodeJS.Timeout | undefined;
  private writing: Promise<boolean> | undefined;
  private failures = 0;
  private dropping = false;
  private roomWaiters: (() => void)[] = [];

  constructor(db: Db, private readonly opts: AttemptLogOptions = {}) {
    this.col = db.collection<Bucket>(DELIVERY_ATTEMPTS_COLLECTION);
    this.maxAgeMs = opts.maxAgeMs ?? 14 * 24 * 3600_000;
    this.maxPerNotification = opts.maxPerNotification ?? 200;
    this.maxBuffered = opts.maxBuffered ?? 50_000;
  }

  /** Entries recorded and not yet stored (buffered, being written, or waiting for a retry). */
  get pending(): number {
    return this.buffer.length + this.unsentEntries;
  }

  /** True when `record` would drop: `maxBuffered` entries are pending. */
  get full(): boolean {
    return this.pending >= this.maxBuffered;
  }

  /** Resolves when `record` would keep an entry again (back-pressure for callers that can wait). */
  whenNotFull(): Promise<void> {
    if (!this.full) return Promise.resolve();
    return new Promise((resolve) => this.roomWaiters.push(resolve));
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
      for (const e of entriesOf(notificationUuid, b)) if (!opts.before || e.time < opts.before) out.push(e);
    }
    return out.sort((x, y) => y.time.getTime() - x.time.getTime()).slice(0, limit);
  }

  /**
   * Queues an entry; written within `flushIntervalMs` (or when MongoDB is back). Returns false
   * when the log is full and the entry was dropped (and counted).
   */
  record(entry: AttemptRecord): boolean {
    if (this.full) {
      this.opts.onDropped?.(1);
      if (!this.dropping) this.opts.logger?.warn({ pending: this.pending, maxBuffered: this.maxBuffered }, 'attempt log full, dropping entries');
      this.dropping = true;
      return false;
    }
    this.buffer.push({ uuid: entry.notification_uuid, t: entry.time.getTime(), line: lineOf(entry) });
    this.touched.add(entry.notification_uuid);
    if (!this.timer && !this.writing) this.schedule(this.opts.flushIntervalMs ?? 1_000);
    return true;
  }

  /**
   * One attempt to store everything pending now (after any write in progress). What fails stays
   * pending and is retried with back-off. Resolves true when that attempt stored it all; never throws.
   */
  async write(): Promise<boolean> {
    while (this.writing) await this.writing;
    this.clearTimer();
    this.writing = this.attempt().finally(() => (this.writing = undefined));
    return this.writing;
  }

  /**
   * At shutdown: writes what is pending, and drops (and counts) what still cannot be written.
   * Never throws: the log never blocks delivery.
   */
  async flush(): Promise<void> {
    // Entries recorded while a write was in flight need a second round.
    for (let round = 0; round < 3 && this.pending > 0; round++) if (!(await this.write())) break;
    this.clearTimer();
    const lost = this.pending;
    if (lost === 0) return;
    this.buffer = [];
    this.unsent = [];
    this.unsentEntries = 0;
    this.opts.logger?.warn({ entries: lost }, 'attempt log entries dropped: not written at shutdown');
    this.opts.onDropped?.(lost);
    this.roomFreed();
  }

  private schedule(ms: number): void {
    this.clearTimer();
    this.timer = setTimeout(() => {
      this.timer = undefined;
      void this.write();
    }, ms);
  }

  private clearTimer(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
  }

  /** Writes the buckets of an earlier failed attempt first, then what was recorded since. */
  private async attempt(): Promise<boolean> {
    let ok = this.unsent.length === 0 || (await this.writeUnsent());
    if (ok && this.buffer.length > 0) {
      this.unsent = this.buckets(this.buffer);
      this.unsentEntries = this.buffer.length;
      this.buffer = [];
      ok = await this.writeUnsent();
    }
    this.roomFreed();
    if (ok) {
      if (this.failures > 0) this.opts.logger?.info({ failures: this.failures }, 'attempt log writes recovered');
      this.failures = 0;
      if (this.buffer.length > 0) this.schedule(this.opts.flushIntervalMs ?? 1_000);
    } else {
      this.failures++;
      const initial = this.opts.retryInitialMs ?? 1_000;
      const delay = Math.min(initial * 2 ** (this.failures - 1), this.opts.retryMaxMs ?? 30_000);
      this.schedule(Math.round(delay * (0.8 + Math.random() * 0.4)));
    }
    return ok;
  }

  private async writeUnsent(): Promise<boolean> {
    while (this.unsent.length > 0) {
      const chunk = this.unsent.slice(0, WRITE_BUCKETS);
      let stored: Set<number> | undefined;
      let error: unknown;
      try {
        await this.col.insertMany(chunk, { ordered: false });
      } catch (err) {
        stored = storedDespite(err, chunk.length);
        if (stored.size < chunk.length) error = err;
      }
      const left = stored ? chunk.filter((_, i) => !stored.has(i)) : [];
      const kept = new Set(left);
      for (const b of chunk) if (!kept.has(b)) this.unsentEntries -= b.n;
      this.unsent = [...left, ...this.unsent.slice(chunk.length)];
      if (error !== undefined) {
        this.opts.logger?.warn({ error: (error as Error).message, pending: this.pending, failures: this.failures + 1 }, 'attempt log write failed, will retry');
        return false;
      }
    }
    return true;
  }

  private roomFreed(): void {
    if (this.full) return;
    this.dropping = false;
    const waiters = this.roomWaiters;
    this.roomWaiters = [];
    for (const w of waiters) w();
  }

  private buckets(queued: Queued[]): Bucket[] {
    return bucketLines(queued, BUCKET_ENTRIES);
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
