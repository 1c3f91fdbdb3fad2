import { deriveRepositoryFields, validateEvent, type RepositoryEvent } from '@herald/events';
import { ingestEventId } from './event-id.js';
import type { RawRecord, RawTagPush } from './raw-record.js';

export interface CoalescerLimits {
  /** How long after its first tag a repository's window closes. */
  windowMs: number;
  /** Tags at which a window closes at once. */
  maxTags: number;
  /** Source ids remembered per partition to drop a registry's retries. */
  dedupeIds: number;
}

interface Window {
  repository: string;
  first: bigint;
  deadline: number;
  tags: Map<string, RawTagPush>;
  sourceIds: string[];
  offsets: bigint[];
}

/** What one consumed record did. */
export type AddOutcome = 'windowed' | 'emitted' | 'duplicate' | 'already_emitted' | 'replayed';

/**
 * The coalescing state of one partition of the ingest topic: open windows per repository, and
 * which offsets at or past the commit position are already part of a committed output.
 *
 * The committed consumer offset is the first offset of the oldest open window (or the consumed
 * position when none is open), so a crash re-consumes every record of an open window. Windows of
 * different repositories interleave, so records past that offset may already be in a committed
 * `repo_push`: their offsets travel as the commit's metadata (same transaction), and a restarted
 * coalescer skips them. Nothing is lost, and nothing is emitted twice.
 */
export class PartitionWindows {
  private readonly windows = new Map<string, Window>();
  private readonly done = new Set<bigint>();
  private readonly recent = new Set<string>();
  private position: bigint;
  private out: RepositoryEvent[] = [];

  constructor(
    committed: bigint,
    alreadyEmitted: readonly bigint[],
    private readonly limits: CoalescerLimits,
  ) {
    this.position = committed;
    for (const o of alreadyEmitted) if (o >= committed) this.done.add(o);
  }

  get openWindows(): number {
    return this.windows.size;
  }

  /** Adds one consumed record; `timestampMs` is when ingest accepted it (the Kafka timestamp). */
  add(offset: bigint, record: RawRecord, timestampMs: number, now: number): AddOutcome {
    // Before the commit point (read back for its ids) or consumed again after a rebalance: the
    // record is already accounted for; only its id is remembered, to drop retries of it.
    if (offset < this.position) {
      this.remember(record.source_id);
      return 'replayed';
    }
    this.position = offset + 1n;
    if (this.done.has(offset)) {
      this.remember(record.source_id);
      return 'already_emitted';
    }
    if (this.recent.has(record.source_id)) {
      this.done.add(offset);
      return 'duplicate';
    }
    this.remember(record.source_id);
    if (record.kind === 'event') {
      this.done.add(offset);
      this.out.push(record.event);
      return 'emitted';
    }
    let w = this.windows.get(record.repository);
    if (!w) {
      w = { repository: record.repository, first: offset, deadline: Math.min(timestampMs, now) + this.limits.windowMs, tags: new Map(), sourceIds: [], offsets: [] };
      this.windows.set(record.repository, w);
    }
    // A tag moved again within the window is one updated tag; the latest push names it.
    w.tags.delete(record.tag);
    w.tags.set(record.tag, record);
    w.sourceIds.push(record.source_id);
    w.offsets.push(offset);
    if (w.tags.size >= this.limits.maxTags) this.close(w);
    return 'windowed';
  }

  /** Passes over a record that cannot be read (counted by the caller): it is never re-read. */
  skip(offset: bigint): void {
    if (offset < this.position) return;
    this.position = offset + 1n;
    this.done.add(offset);
  }

  /** Closes every window due by `now`; returns every output made since the last take. */
  take(now: number, all = false): RepositoryEvent[] {
    for (const w of [...this.windows.values()]) if (all || w.deadline <= now) this.close(w);
    const out = this.out;
    this.out = [];
    return out;
  }

  /** The earliest deadline of an open window. */
  nextDeadline(): number | undefined {
    let min: number | undefined;
    for (const w of this.windows.values()) if (min === undefined || w.deadline < min) min = w.deadline;
    return min;
  }

  /**
   * The offset to commit with the outputs taken so far, and its metadata: the offsets at or past
   * it that are already in an output. Forgets what lies before it.
   */
  commitPoint(): { offset: bigint; metadata: string } {
    let offset = this.position;
    for (const w of this.windows.values()) if (w.first < offset) offset = w.first;
    for (const o of this.done) if (o < offset) this.done.delete(o);
    return { offset, metadata: encodeOffsets([...this.done]) };
  }

  private close(w: Window): void {
    this.windows.delete(w.repository);
    for (const o of w.offsets) this.done.add(o);
    const records = [...w.tags.values()];
    const last = records[records.length - 1] as RawTagPush;
    const ids = [...w.sourceIds].sort();
    this.out.push(
      validateEvent({
        event_id: ingestEventId(`repo_push/${w.repository}/${ids.join(',')}`),
        occurred_at: Math.max(...records.map((r) => r.occurred_at)),
        ...(last.performer ? { performer: last.performer } : {}),
        ...deriveRepositoryFields(w.repository, { registryHost: last.registry_host }),
        kind: 'repo_push',
        body: { updated_tags: records.map((r) => r.tag) },
      }),
    );
  }

  private remember(id: string): void {
    this.recent.add(id);
    if (this.recent.size > this.limits.dedupeIds) {
      const oldest = this.recent.values().next().value;
      if (oldest !== undefined) this.recent.delete(oldest);
    }
  }
}

/** Offsets as sorted ranges: "v1:5-9,12". */
export function encodeOffsets(offsets: readonly bigint[]): string {
  const sorted = [...offsets].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  const parts: string[] = [];
  for (let i = 0; i < sorted.length; ) {
    const start = sorted[i] as bigint;
    let end = start;
    while (i + 1 < sorted.length && sorted[i + 1] === end + 1n) end = sorted[++i] as bigint;
    parts.push(start === end ? `${start}` : `${start}-${end}`);
    i++;
  }
  return `v1:${parts.join(',')}`;
}

/** The offsets of `encodeOffsets`; anything else (no metadata, another writer's) is none. */
export function decodeOffsets(metadata: string | null | undefined): bigint[] {
  if (!metadata?.startsWith('v1:') || metadata.length === 3) return [];
  const out: bigint[] = [];
  for (const part of metadata.slice(3).split(',')) {
    const [a, b] = part.split('-');
    if (!a || !/^\d+$/.test(a) || (b !== undefined && !/^\d+$/.test(b))) return [];
    for (let o = BigInt(a); o <= BigInt(b ?? a); o++) out.push(o);
  }
  return out;
}
