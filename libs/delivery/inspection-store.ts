import { promisify } from 'node:util';
import { brotliCompress, brotliDecompress, constants as zlib } from 'node:zlib';
import { Binary, ObjectId, type Collection, type Db } from '@herald/mongo';
import { bucketLines, type LineBucket, type QueuedLine } from './line-buckets.js';
import type { Logger } from '@herald/logger';
import type { AttemptInspection, InspectedRequest, InspectedResponse } from './inspection.js';
import { storedDespite } from './attempt-log.js';
import { esc, needsEscape, unesc } from './line-escape.js';

export const DELIVERY_INSPECTIONS_COLLECTION = 'delivery_inspections';

/**
 * A bucket: the inspection records of one notification written together, one line per record
 * (tab-separated, escaped fields: see lineOf), the lines compressed (brotli, quality 1). One
 * document per notification and flush instead of one per attempt: FerretDB's cost is mostly per
 * document and per stored value (a document per attempt with its sub-documents cost it 0.56 ms of
 * CPU per attempt in bench:webhook, more than the delivery itself), and the rest is per byte: it
 * stores documents as JSON text, where a record's request body needs its quotes escaped, ~1.3 KB
 * per attempt as plain lines against ~0.2 KB compressed (records of one endpoint are much alike).
 * Compression runs on libuv's thread pool, not the event loop.
 */
interface Bucket {
  _id: ObjectId;
  notification_uuid: string;
  first: Date;
  last: Date;
  n: number;
  /** The lines, brotli-compressed. */
  z?: Binary;
  /** The lines as text: buckets written before compression (read, never written). */
  lines?: string;
}

const compress = promisify(brotliCompress);
const decompress = promisify(brotliDecompress);

/** A bucket as stored: its lines compressed (as text should compression ever fail: still readable). */
async function packed(b: LineBucket): Promise<Bucket> {
  const { lines, ...rest } = b;
  const text = Buffer.from(lines, 'utf8');
  try {
    const z = await compress(text, { params: { [zlib.BROTLI_PARAM_QUALITY]: 1, [zlib.BROTLI_PARAM_MODE]: zlib.BROTLI_MODE_TEXT, [zlib.BROTLI_PARAM_SIZE_HINT]: text.length } });
    return { ...rest, z: new Binary(z) };
  } catch {
    return { ...rest, lines };
  }
}

/** A bucket's lines as text. */
export async function bucketText(b: Pick<Bucket, 'z' | 'lines'>): Promise<string> {
  if (b.z) return (await decompress(b.z.buffer)).toString('utf8');
  return typeof b.lines === 'string' ? b.lines : '';
}

/** A stored job message of a delivery, for a resend. */
export interface StoredJob {
  /** The attempt record it was read from. */
  attemptId: string;
  attempt: number;
  /** The job message value as consumed (schema-registry framed Avro). */
  value: Buffer;
}

export interface InspectionStoreOptions {
  /** Records older than this are purged (default 7 days). */
  retentionMs?: number;
  /** Buffered records are written at least this often (default 1 s). */
  flushIntervalMs?: number;
  /** Records held at most while MongoDB is slow or down (default 10,000); beyond, new ones are dropped and counted. */
  maxBuffered?: number;
  logger?: Logger;
  onDropped?: (n: number) => void;
}

const OUTCOMES: Record<string, AttemptInspection['outcome']> = { s: 'success', r: 'retry', d: 'dead_letter', x: 'dropped' };
const CODES: Record<AttemptInspection['outcome'], string> = { success: 's', retry: 'r', dead_letter: 'd', dropped: 'x' };
const BUCKET_RECORDS = 200;
/** Buckets read at most when looking for one delivery (the newest first). */
const MAX_SCAN_BUCKETS = 2_000;

/**
 * Headers as one escaped field: `name: value` lines, a value's line breaks turned into spaces (a
 * header value cannot hold one as sent), joined by an escaped line break; the same text as
 * `esc` of the plain lines, built in one pass.
 */
function headerField(h: Record<string, string>): string {
  let out = '';
  for (const k in h) {
    const v = h[k] as string;
    out += `${k}: ${needsEscape(v) ? esc(v.replace(/[\r\n]+/g, ' ')) : v}\\n`;
  }
  return out;
}

function headersOf(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const line of text.split('\n')) {
    const i = line.indexOf(': ');
    if (i > 0) out[line.slice(0, i)] = line.slice(i + 2);
  }
  return out;
}

const opt = (s: string | null): string => (s === null ? '' : esc(s));
const optBack = (s: string | undefined): string | null => (s === undefined || s === '' ? null : unesc(s));

/**
 * One record as a line of 24 fields: delivery id, attempt, time (epoch ms, base 36), outcome code,
 * duration, status, error class, kind, test flag, resent-from, error, then the request (method,
 * URL, headers, body, size, truncated — all empty without one), the response (status, headers,
 * body, size, truncated) and the job message (base64). An absent value is '' (`request`: no method).
 */
function lineOf(r: Omit<AttemptInspection, 'id'>, job: Buffer | null): string {
  const q = r.request;
  const s = r.response;
  return [
    esc(r.delivery_id),
    r.attempt,
    r.time.getTime().toString(36),
    CODES[r.outcome],
    r.duration_ms,
    r.status_code ?? '',
    opt(r.error_class),
    esc(r.kind),
    r.test ? '1' : '',
    opt(r.resent_from),
    r.error === null ? '' : `e${esc(r.error)}`,
    q ? esc(q.method) : '',
    q ? esc(q.url) : '',
    q ? headerField(q.headers) : '',
    q ? esc(q.body) : '',
    q ? q.body_bytes : '',
    q?.body_truncated ? '1' : '',
    s ? s.status : '',
    s ? headerField(s.headers) : '',
    s ? esc(s.body) : '',
    s ? s.body_bytes : '',
    s?.body_truncated ? '1' : '',
    job ? job.toString('base64') : '',
  ].join('\t');
}

interface Parsed {
  record: AttemptInspection;
  job: string;
}

function fromLine(uuid: string, id: string, line: string): Parsed | undefined {
  const f = line.split('\t');
  if (f.length < 23) return undefined;
  const at = (i: number): string => f[i] ?? '';
  const outcome = OUTCOMES[at(3)];
  const time = parseInt(at(2), 36);
  if (!outcome || !Number.isFinite(time)) return undefined;
  const request: InspectedRequest | null =
    at(11) === '' ? null : { method: unesc(at(11)), url: unesc(at(12)), headers: headersOf(unesc(at(13))), body: unesc(at(14)), body_bytes: Number(at(15)), body_truncated: at(16) === '1' };
  const response: InspectedResponse | null =
    at(17) === '' ? null : { status: Number(at(17)), headers: headersOf(unesc(at(18))), body: unesc(at(19)), body_bytes: Number(at(20)), body_truncated: at(21) === '1' };
  return {
    record: {
      id,
      notification_uuid: uuid,
      delivery_id: unesc(at(0)),
      attempt: Number(at(1)),
      time: new Date(time),
      outcome,
      duration_ms: Number(at(4)),
      status_code: at(5) === '' ? null : Number(at(5)),
      error_class: optBack(at(6)),
      kind: unesc(at(7)),
      test: at(8) === '1',
      resent_from: optBack(at(9)),
      error: at(10) === '' ? null : unesc(at(10).slice(1)),
      request,
      response,
    },
    job: at(22),
  };
}

/** Records of a bucket (its lines as text), in the order written; `attempt_id` is `<bucket id>-<line index>`. */
function recordsOf(b: Pick<Bucket, '_id' | 'notification_uuid'>, lines: string): Parsed[] {
  const out: Parsed[] = [];
  if (lines === '') return out;
  const id = b._id.toHexString();
  lines.split('\n').forEach((line, i) => {
    const p = fromLine(b.notification_uuid, `${id}-${i}`, line);
    if (p) out.push(p);
  });
  return out;
}

/**
 * Attempt inspection records in MongoDB (`delivery_inspections`), bucketed per notification and
 * flush (see Bucket), kept for a retention period and purged explicitly (FerretDB v1 has no TTL
 * indexes). Informational like the attempt log: a record is lost when MongoDB stays down past the
 * buffer, never a delivery.
 */
export class InspectionStore {
  readonly col: Collection<Bucket>;
  readonly retentionMs: number;
  private buffer: QueuedLine[] = [];
  private unsent: Bucket[] = [];
  /** Records in `unsent` (kept, not summed per record: while MongoDB is down there are many buckets). */
  private unsentRecords = 0;
  private timer: NodeJS.Timeout | undefined;
  private writing: Promise<void> | undefined;

  constructor(db: Db, private readonly opts: InspectionStoreOptions = {}) {
    this.col = db.collection<Bucket>(DELIVERY_INSPECTIONS_COLLECTION);
    this.retentionMs = opts.retentionMs ?? 7 * 24 * 3600_000;
  }

  async ensureIndexes(): Promise<void> {
    await this.col.createIndex({ notification_uuid: 1, last: -1 }, { name: 'notification_last' });
    await this.col.createIndex({ last: 1 }, { name: 'last' });
  }

  get pending(): number {
    return this.buffer.length + this.unsentRecords;
  }

  /** Queues a record (with the job message for a resend); written within the flush interval. */
  record(r: Omit<AttemptInspection, 'id'>, jobValue: Buffer | null): boolean {
    if (this.pending >= (this.opts.maxBuffered ?? 10_000)) {
      this.opts.onDropped?.(1);
      return false;
    }
    this.buffer.push({ uuid: r.notification_uuid, t: r.time.getTime(), line: lineOf(r, jobValue) });
    this.schedule(this.opts.flushIntervalMs ?? 1_000);
    return true;
  }

  private schedule(ms: number): void {
    this.timer ??= setTimeout(() => {
      this.timer = undefined;
      void this.write();
    }, ms);
  }

  /** Writes what is buffered now; what fails stays for the next flush (its buckets keep their ids). Never throws. */
  async write(): Promise<void> {
    while (this.writing) await this.writing;
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    this.writing = this.writeNow().finally(() => (this.writing = undefined));
    await this.writing;
  }

  private async writeNow(): Promise<void> {
    const queued = this.buffer;
    this.buffer = [];
    // Counted as pending while they are compressed, so the buffer bound holds.
    this.unsentRecords += queued.length;
    if (queued.length > 0) this.unsent.push(...(await Promise.all(this.buckets(queued).map(packed))));
    if (this.unsent.length === 0) return;
    const docs = this.unsent;
    try {
      await this.col.insertMany(docs, { ordered: false });
      this.keep(docs, new Set());
    } catch (err) {
      // Stored despite the error: duplicates of an earlier write whose reply was lost, or, when
      // the driver accounts for every document, those it did not name (the attempt log's rule).
      const stored = storedDespite(err, docs.length);
      const failed = new Set(docs.filter((_, i) => !stored.has(i)));
      this.keep(docs, failed);
      if (failed.size === 0) return;
      this.opts.logger?.warn({ error: (err as Error).message, pending: this.pending }, 'inspection write failed, will retry');
      this.schedule(5_000);
    }
  }

  /** After a write of `docs`: those not in `failed` are stored and leave `unsent`. */
  private keep(docs: Bucket[], failed: Set<Bucket | undefined>): void {
    const written = new Set(docs.filter((b) => !failed.has(b)));
    this.unsent = this.unsent.filter((b) => !written.has(b));
    for (const b of written) this.unsentRecords -= b.n;
  }

  /** At shutdown: one last write; what is still unwritten is dropped (and counted). */
  async flush(): Promise<void> {
    await this.write();
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    const lost = this.pending;
    if (lost > 0) this.opts.onDropped?.(lost);
    this.buffer = [];
    this.unsent = [];
    this.unsentRecords = 0;
  }

  private buckets(queued: QueuedLine[]): LineBucket[] {
    return bucketLines(queued, BUCKET_RECORDS);
  }

  /**
   * A notification's records, newest first (`deliveryId`: one delivery's). Buckets of concurrent
   * writers overlap in time: reading goes on while a bucket may hold records newer than the oldest
   * of those found; a delivery is looked for in the newest MAX_SCAN_BUCKETS buckets.
   */
  async list(notificationUuid: string, opts: { limit?: number; before?: Date; deliveryId?: string } = {}): Promise<AttemptInspection[]> {
    return (await this.scan(notificationUuid, opts)).map((p) => p.record);
  }

  private async scan(notificationUuid: string, opts: { limit?: number; before?: Date; deliveryId?: string }): Promise<Parsed[]> {
    const limit = Math.min(Math.max(1, Math.floor(opts.limit ?? 50)), 500);
    const filter = opts.before ? { notification_uuid: notificationUuid, first: { $lt: opts.before } } : { notification_uuid: notificationUuid };
    const out: Parsed[] = [];
    let read = 0;
    for await (const b of this.col.find(filter).sort({ last: -1 })) {
      if (++read > MAX_SCAN_BUCKETS) break;
      if (out.length >= limit) {
        out.sort((x, y) => y.record.time.getTime() - x.record.time.getTime());
        if (b.last.getTime() < (out[limit - 1] as Parsed).record.time.getTime()) break;
      }
      const lines = await bucketText(b);
      // Parsing is the cost: a bucket without the delivery id in its text has none of its records.
      if (opts.deliveryId !== undefined && !lines.includes(esc(opts.deliveryId))) continue;
      for (const p of recordsOf(b, lines)) {
        if (opts.before && p.record.time >= opts.before) continue;
        if (opts.deliveryId !== undefined && p.record.delivery_id !== opts.deliveryId) continue;
        out.push(p);
      }
    }
    return out.sort((x, y) => y.record.time.getTime() - x.record.time.getTime() || y.record.attempt - x.record.attempt).slice(0, limit);
  }

  /** One record of a notification by its id; undefined when unknown (or another notification's). */
  async get(notificationUuid: string, id: string): Promise<AttemptInspection | undefined> {
    const m = /^([0-9a-f]{24})-(\d{1,4})$/.exec(id);
    if (!m) return undefined;
    const b = await this.col.findOne({ _id: new ObjectId(m[1] as string), notification_uuid: notificationUuid });
    if (!b) return undefined;
    return recordsOf(b, await bucketText(b)).find((p) => p.record.id === id)?.record;
  }

  /** The newest stored job message of a delivery of this notification, with its newest attempt number. */
  async job(notificationUuid: string, deliveryId: string): Promise<StoredJob | undefined> {
    const found = await this.scan(notificationUuid, { deliveryId, limit: 500 });
    const withJob = found.find((p) => p.job !== '');
    if (!withJob) return undefined;
    return { attemptId: withJob.record.id, attempt: Math.max(...found.map((p) => p.record.attempt)), value: Buffer.from(withJob.job, 'base64') };
  }

  /** Deletes buckets whose newest record is older than the retention; returns how many. */
  async purge(now = Date.now()): Promise<number> {
    return (await this.col.deleteMany({ last: { $lt: new Date(now - this.retentionMs) } })).deletedCount;
  }
}
