import { ObjectId, type Collection, type Db } from '@herald/mongo';
import type { Logger } from '@herald/logger';
import type { AttemptInspection, InspectedRequest, InspectedResponse } from './inspection.js';

export const DELIVERY_INSPECTIONS_COLLECTION = 'delivery_inspections';

/** Headers are stored as one text block (`name: value` lines): no header name becomes a field name. */
type StoredExchange<T> = Omit<T, 'headers'> & { headers: string };

/** The stored record: the inspection and the job message as consumed (base64 Avro, for a resend). */
interface InspectionDoc {
  _id: ObjectId;
  notification_uuid: string;
  delivery_id: string;
  attempt: number;
  time: Date;
  outcome: AttemptInspection['outcome'];
  duration_ms: number;
  status_code: number | null;
  error_class: string | null;
  error: string | null;
  kind: string;
  test: boolean;
  request: StoredExchange<InspectedRequest> | null;
  response: StoredExchange<InspectedResponse> | null;
  resent_from: string | null;
  job: string | null;
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

function headerText(h: Record<string, string>): string {
  let out = '';
  for (const [k, v] of Object.entries(h)) out += `${k}: ${v.replace(/[\r\n]+/g, ' ')}\n`;
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

const DUPLICATE_KEY = 11000;

/**
 * Attempt inspection records in MongoDB (`delivery_inspections`): one document per attempt, written
 * in batches (at most one insert per flush interval), kept for a retention period and purged
 * explicitly (FerretDB v1 has no TTL indexes). Informational like the attempt log: a record is lost
 * when MongoDB stays down past the buffer, never a delivery.
 */
export class InspectionStore {
  readonly col: Collection<InspectionDoc>;
  readonly retentionMs: number;
  private buffer: InspectionDoc[] = [];
  private timer: NodeJS.Timeout | undefined;
  private writing: Promise<void> | undefined;

  constructor(db: Db, private readonly opts: InspectionStoreOptions = {}) {
    this.col = db.collection<InspectionDoc>(DELIVERY_INSPECTIONS_COLLECTION);
    this.retentionMs = opts.retentionMs ?? 7 * 24 * 3600_000;
  }

  async ensureIndexes(): Promise<void> {
    await this.col.createIndex({ notification_uuid: 1, time: -1 }, { name: 'notification_time' });
    await this.col.createIndex({ notification_uuid: 1, delivery_id: 1, time: -1 }, { name: 'notification_delivery' });
    await this.col.createIndex({ time: 1 }, { name: 'time' });
  }

  get pending(): number {
    return this.buffer.length;
  }

  /** Queues a record (with the job message for a resend); written within the flush interval. Returns its id. */
  record(r: Omit<AttemptInspection, 'id'>, jobValue: Buffer | null): string | undefined {
    if (this.buffer.length >= (this.opts.maxBuffered ?? 10_000)) {
      this.opts.onDropped?.(1);
      return undefined;
    }
    const _id = new ObjectId();
    this.buffer.push({
      _id,
      ...r,
      request: r.request ? { ...r.request, headers: headerText(r.request.headers) } : null,
      response: r.response ? { ...r.response, headers: headerText(r.response.headers) } : null,
      job: jobValue ? jobValue.toString('base64') : null,
    });
    this.timer ??= setTimeout(() => {
      this.timer = undefined;
      void this.write();
    }, this.opts.flushIntervalMs ?? 1_000);
    return _id.toHexString();
  }

  /** Writes what is buffered now; what fails stays buffered for the next flush. Never throws. */
  async write(): Promise<void> {
    while (this.writing) await this.writing;
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    if (this.buffer.length === 0) return;
    const docs = this.buffer;
    this.buffer = [];
    this.writing = this.col
      .insertMany(docs, { ordered: false })
      .then(() => undefined)
      .catch((err: { writeErrors?: { index: number; code?: number }[] | { index: number; code?: number } }) => {
        const list = Array.isArray(err.writeErrors) ? err.writeErrors : err.writeErrors ? [err.writeErrors] : undefined;
        // Without a per-document account, all are retried; the ids make a stored one a duplicate.
        const failed = list ? list.filter((w) => w.code !== DUPLICATE_KEY).map((w) => docs[w.index]).filter((d) => d !== undefined) : docs;
        if (failed.length === 0) return;
        const room = Math.max(0, (this.opts.maxBuffered ?? 10_000) - this.buffer.length);
        if (failed.length > room) this.opts.onDropped?.(failed.length - room);
        this.buffer = [...failed.slice(0, room), ...this.buffer];
        this.opts.logger?.warn({ error: (err as unknown as Error).message, pending: this.buffer.length }, 'inspection write failed, will retry');
        this.timer ??= setTimeout(() => {
          this.timer = undefined;
          void this.write();
        }, 5_000);
      })
      .finally(() => (this.writing = undefined));
    await this.writing;
  }

  /** At shutdown: one last write; what is still unwritten is dropped (and counted). */
  async flush(): Promise<void> {
    await this.write();
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    if (this.buffer.length > 0) this.opts.onDropped?.(this.buffer.length);
    this.buffer = [];
  }

  /** A notification's records, newest first, without bodies when `brief`. */
  async list(notificationUuid: string, opts: { limit?: number; before?: Date; deliveryId?: string } = {}): Promise<AttemptInspection[]> {
    const limit = Math.min(Math.max(1, Math.floor(opts.limit ?? 50)), 500);
    const filter: Record<string, unknown> = { notification_uuid: notificationUuid };
    if (opts.deliveryId !== undefined) filter['delivery_id'] = opts.deliveryId;
    if (opts.before) filter['time'] = { $lt: opts.before };
    const docs = await this.col.find(filter, { projection: { job: 0 } }).sort({ time: -1 }).limit(limit).toArray();
    return docs.map(toInspection);
  }

  /** One record of a notification by its id; undefined when unknown (or another notification's). */
  async get(notificationUuid: string, id: string): Promise<AttemptInspection | undefined> {
    if (!ObjectId.isValid(id) || id.length !== 24) return undefined;
    const doc = await this.col.findOne({ _id: new ObjectId(id), notification_uuid: notificationUuid }, { projection: { job: 0 } });
    return doc ? toInspection(doc) : undefined;
  }

  /** The newest stored job message of a delivery of this notification, with its attempt number. */
  async job(notificationUuid: string, deliveryId: string): Promise<StoredJob | undefined> {
    const docs = await this.col
      .find({ notification_uuid: notificationUuid, delivery_id: deliveryId }, { projection: { _id: 1, attempt: 1, job: 1, time: 1 } })
      .sort({ time: -1 })
      .limit(50)
      .toArray();
    const withJob = docs.find((d) => typeof d.job === 'string');
    if (!withJob) return undefined;
    return { attemptId: withJob._id.toHexString(), attempt: Math.max(...docs.map((d) => d.attempt)), value: Buffer.from(withJob.job as string, 'base64') };
  }

  /** Deletes records older than the retention; returns how many. */
  async purge(now = Date.now()): Promise<number> {
    return (await this.col.deleteMany({ time: { $lt: new Date(now - this.retentionMs) } })).deletedCount;
  }
}

function toInspection(d: Omit<InspectionDoc, 'job'> & { job?: string | null }): AttemptInspection {
  return {
    id: d._id.toHexString(),
    notification_uuid: d.notification_uuid,
    delivery_id: d.delivery_id,
    attempt: d.attempt,
    time: d.time,
    outcome: d.outcome,
    duration_ms: d.duration_ms,
    status_code: d.status_code ?? null,
    error_class: d.error_class ?? null,
    error: d.error ?? null,
    kind: d.kind,
    test: d.test,
    request: d.request ? { ...d.request, headers: headersOf(d.request.headers) } : null,
    response: d.response ? { ...d.response, headers: headersOf(d.response.headers) } : null,
    resent_from: d.resent_from ?? null,
  };
}
