import type { Collection, Db } from '@herald/mongo';
import type { Logger } from '@herald/logger';

export const DELIVERY_HEALTH_COLLECTION = 'delivery_health';

/** Attempt latency histogram: bucket k holds durations in (GROWTH^(k-1), GROWTH^k] ms; the last is open. */
const GROWTH = 1.25;
const LATENCY_BUCKETS = 64;
const MINUTE_MS = 60_000;
/** Minute buckets are kept a little longer than the widest window. */
const KEEP_MS = 25 * 3600_000;
/** Upserts per update command (see writeChunks). */
const UPSERTS_PER_COMMAND = 50;

export function latencyBucket(ms: number): number {
  if (ms <= 1) return 0;
  return Math.min(LATENCY_BUCKETS - 1, Math.ceil(Math.log(ms) / Math.log(GROWTH)));
}

/** The upper bound of a latency bucket in ms (what a percentile reports: at most 25 % above the true value). */
export function latencyBucketBound(k: number): number {
  return Math.round(GROWTH ** k);
}

type Outcome = 'success' | 'retry' | 'dead_letter';

interface LastError {
  time: Date;
  error_class: string | null;
  status_code: number | null;
  error: string | null;
}

/** One notification's attempts in one minute (counts are $inc'ed by every delivery process). */
interface MinuteDoc {
  _id: string;
  notification_uuid: string;
  t: Date;
  success?: number;
  retry?: number;
  dead_letter?: number;
  /** Latency histogram: `l<k>` counts of bucket k. */
  [bucket: `l${number}`]: number | undefined;
  last_error?: LastError;
}

interface Pending {
  uuid: string;
  t: number;
  inc: Record<string, number>;
  lastError: LastError | undefined;
}

/**
 * Endpoint health as maintained aggregates: per notification and minute, attempts by outcome and
 * a latency histogram, summed in memory and written every flush interval as one upsert per
 * (notification, minute) touched, so the cost does not grow with the attempt rate. The API
 * reads at most 1,440 small documents for a day (readEndpointHealth).
 */
export class HealthAggregator {
  readonly col: Collection<MinuteDoc>;
  private pending = new Map<string, Pending>();
  private timer: NodeJS.Timeout | undefined;
  private writing: Promise<void> | undefined;

  constructor(db: Db, private readonly opts: { flushIntervalMs?: number; logger?: Logger } = {}) {
    this.col = db.collection<MinuteDoc>(DELIVERY_HEALTH_COLLECTION);
  }

  async ensureIndexes(): Promise<void> {
    await this.col.createIndex({ notification_uuid: 1, t: -1 }, { name: 'notification_t' });
    await this.col.createIndex({ t: 1 }, { name: 't' });
  }

  /** Counts one attempt. */
  record(uuid: string, at: number, outcome: Outcome, durationMs: number, error?: Omit<LastError, 'time'>): void {
    const t = at - (at % MINUTE_MS);
    const key = `${uuid}|${t}`;
    let p = this.pending.get(key);
    if (!p) this.pending.set(key, (p = { uuid, t, inc: {}, lastError: undefined }));
    p.inc[outcome] = (p.inc[outcome] ?? 0) + 1;
    const l = `l${latencyBucket(durationMs)}`;
    p.inc[l] = (p.inc[l] ?? 0) + 1;
    if (error && outcome !== 'success') p.lastError = { time: new Date(at), ...error };
    this.timer ??= setTimeout(() => {
      this.timer = undefined;
      void this.write();
    }, this.opts.flushIntervalMs ?? 2_000);
  }

  /** Writes what was counted; on failure the counts are kept and added to the next write. Never throws. */
  async write(): Promise<void> {
    while (this.writing) await this.writing;
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    if (this.pending.size === 0) return;
    const batch = [...this.pending.entries()];
    this.pending = new Map();
    this.writing = this.writeChunks(batch).finally(() => (this.writing = undefined));
    await this.writing;
  }

  /**
   * One `update` command per UPSERTS_PER_COMMAND minutes, in turn: FerretDB 1.24 (SQLite) never
   * answers an update command of about a hundred statements or more, and the database stays
   * blocked for every client afterwards (bench/probes/ferretdb-bulk-update.ts).
   */
  private async writeChunks(batch: [string, Pending][]): Promise<void> {
    for (let i = 0; i < batch.length; i += UPSERTS_PER_COMMAND) {
      const chunk = batch.slice(i, i + UPSERTS_PER_COMMAND);
      const ops = chunk.map(([key, p]) => ({
        updateOne: {
          filter: { _id: key },
          update: {
            $setOnInsert: { notification_uuid: p.uuid, t: new Date(p.t) },
            $inc: p.inc,
            ...(p.lastError ? { $set: { last_error: p.lastError } } : {}),
          },
          upsert: true,
        },
      }));
      try {
        await this.col.bulkWrite(ops as never, { ordered: false });
      } catch (err) {
        // Counts are not idempotent: what was not written is merged back whole (a partly applied chunk may count twice).
        this.mergeBack(batch.slice(i));
        this.opts.logger?.warn({ err, pending: this.pending.size }, 'endpoint health write failed, will retry');
        this.timer ??= setTimeout(() => {
          this.timer = undefined;
          void this.write();
        }, 5_000);
        return;
      }
    }
  }

  private mergeBack(entries: [string, Pending][]): void {
    for (const [key, p] of entries) {
      const now = this.pending.get(key);
      if (!now) this.pending.set(key, p);
      else {
        for (const [f, n] of Object.entries(p.inc)) now.inc[f] = (now.inc[f] ?? 0) + n;
        now.lastError ??= p.lastError;
      }
    }
  }

  async flush(): Promise<void> {
    await this.write();
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
  }

  /** Drops minutes older than the widest window. */
  async purge(now = Date.now()): Promise<number> {
    return (await this.col.deleteMany({ t: { $lt: new Date(now - KEEP_MS) } })).deletedCount;
  }
}

/** A window's figures. */
export interface HealthWindow {
  attempts: number;
  success: number;
  retry: number;
  dead_letter: number;
  /** success / attempts; null without attempts. */
  success_rate: number | null;
  /** Percentiles of attempt duration, as histogram bucket bounds (≤ 25 % above the true value); null without attempts. */
  p50_ms: number | null;
  p99_ms: number | null;
  last_error: LastError | null;
}

export interface HealthPoint {
  t: Date;
  success: number;
  retry: number;
  dead_letter: number;
}

export interface EndpointHealth {
  windows: { '1h': HealthWindow; '24h': HealthWindow };
  /** Attempts over time by outcome, oldest first: 60 one-minute points (`1h`) or 96 quarter-hours (`24h`). */
  series: { window: '1h' | '24h'; bucket_seconds: number; points: HealthPoint[] };
}

function windowOf(docs: MinuteDoc[]): HealthWindow {
  const hist = new Array<number>(LATENCY_BUCKETS).fill(0);
  let success = 0;
  let retry = 0;
  let deadLetter = 0;
  let last: LastError | null = null;
  for (const d of docs) {
    success += d.success ?? 0;
    retry += d.retry ?? 0;
    deadLetter += d.dead_letter ?? 0;
    for (let k = 0; k < LATENCY_BUCKETS; k++) hist[k] = (hist[k] as number) + (d[`l${k}`] ?? 0);
    if (d.last_error && (!last || new Date(d.last_error.time) > new Date(last.time))) last = d.last_error;
  }
  const attempts = success + retry + deadLetter;
  const pct = (q: number): number | null => {
    const total = hist.reduce((a, b) => a + b, 0);
    if (total === 0) return null;
    const rank = Math.ceil(q * total);
    let seen = 0;
    for (let k = 0; k < LATENCY_BUCKETS; k++) {
      seen += hist[k] as number;
      if (seen >= rank) return latencyBucketBound(k);
    }
    return latencyBucketBound(LATENCY_BUCKETS - 1);
  };
  return {
    attempts,
    success,
    retry,
    dead_letter: deadLetter,
    success_rate: attempts === 0 ? null : success / attempts,
    p50_ms: pct(0.5),
    p99_ms: pct(0.99),
    last_error: last ? { ...last, time: new Date(last.time) } : null,
  };
}

/** A notification's health over the last hour and day, and the chart series for `window`. */
export async function readEndpointHealth(db: Db, uuid: string, opts: { now?: number; window?: '1h' | '24h' } = {}): Promise<EndpointHealth> {
  const now = opts.now ?? Date.now();
  const window = opts.window ?? '1h';
  const col = db.collection<MinuteDoc>(DELIVERY_HEALTH_COLLECTION);
  const dayStart = now - (now % MINUTE_MS) - 24 * 3600_000 + MINUTE_MS;
  const docs = await col.find({ notification_uuid: uuid, t: { $gte: new Date(dayStart) } }).limit(1_500).toArray();
  const hourStart = now - (now % MINUTE_MS) - 3600_000 + MINUTE_MS;
  const step = window === '1h' ? MINUTE_MS : 15 * MINUTE_MS;
  const count = window === '1h' ? 60 : 96;
  const end = now - (now % step) + step;
  const start = end - count * step;
  const points: HealthPoint[] = Array.from({ length: count }, (_, i) => ({ t: new Date(start + i * step), success: 0, retry: 0, dead_letter: 0 }));
  for (const d of docs) {
    const i = Math.floor((d.t.getTime() - start) / step);
    const p = points[i];
    if (!p) continue;
    p.success += d.success ?? 0;
    p.retry += d.retry ?? 0;
    p.dead_letter += d.dead_letter ?? 0;
  }
  return {
    windows: { '1h': windowOf(docs.filter((d) => d.t.getTime() >= hourStart)), '24h': windowOf(docs) },
    series: { window, bucket_seconds: step / 1000, points },
  };
}
