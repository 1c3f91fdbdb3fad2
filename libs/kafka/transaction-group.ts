/**
 * Groups the batches of one fetch into one transaction. kafkajs hands the batches of a fetch (one
 * per partition) to its workers at once; each batch, once transformed, joins the open group and
 * waits for its commit. The group commits as soon as every batch being processed has joined (the
 * whole round is in), or `lingerMs` after its first member joined (a slow batch does not hold the
 * others longer), or at once past `maxSize` output messages. One transaction runs at a time: batches
 * that join while one commits form the next group, committed right after it.
 *
 * Exactly-once stays per transaction: a group's outputs and the offsets of all its batches are
 * committed together or not at all; a failed commit rejects every member, and each batch is then
 * consumed again. A member whose partition was revoked (stale) before the group commits is left out
 * (rejected with StaleBatchError) and never written.
 */
export interface TransactionGroupOptions<T> {
  /** Runs one transaction over the members' payloads; rejecting aborts the whole group. */
  commit(payloads: T[]): Promise<void>;
  /** Longest wait, after the first member joined, for the rest of the round. */
  lingerMs: number;
  /** Output messages (the members' `size`) past which the group commits without waiting. */
  maxSize: number;
}

/** A member whose partition was revoked before its group committed: its batch is not written. */
export class StaleBatchError extends Error {
  constructor() {
    super('the partition was revoked before its transaction committed');
    this.name = 'StaleBatchError';
  }
}

interface Member<T> {
  payload: T;
  size: number;
  isStale: () => boolean;
  resolve: () => void;
  reject: (err: unknown) => void;
}

export interface TransactionGroupStats {
  /** Transactions committed. */
  transactions: number;
  /** Batches committed in them. */
  batches: number;
}

export class TransactionGroup<T> {
  /** Batches being processed that have not joined (or left) yet. */
  private active = 0;
  private open: Member<T>[] = [];
  private openSize = 0;
  private committing = false;
  private linger: NodeJS.Timeout | undefined;
  private roomWaiters: (() => void)[] = [];
  private idleWaiters: (() => void)[] = [];
  readonly stats: TransactionGroupStats = { transactions: 0, batches: 0 };

  constructor(private readonly opts: TransactionGroupOptions<T>) {}

  /** A batch started processing: the open group waits for it (up to the linger) before committing. */
  begin(): void {
    this.active++;
  }

  /** A batch that began ends without joining (nothing to commit, or it failed before joining). */
  leave(): void {
    this.active--;
    this.maybeCommit();
  }

  /**
   * A batch that began joins the open group with its output; resolves once the group's transaction
   * committed, rejects when it aborted (or with StaleBatchError when the batch went stale first).
   */
  join(payload: T, size: number, isStale: () => boolean = () => false): Promise<void> {
    this.active--;
    return new Promise<void>((resolve, reject) => {
      this.open.push({ payload, size, isStale, resolve, reject });
      this.openSize += size;
      if (this.open.length === 1 && !this.linger) {
        this.linger = setTimeout(() => {
          this.linger = undefined;
          this.maybeCommit(true);
        }, this.opts.lingerMs);
      }
      this.maybeCommit();
    });
  }

  /** Batches waiting in the open group (for tests and metrics). */
  get waiting(): number {
    return this.open.length;
  }

  /**
   * Resolves when the open group has room: at once unless a transaction is committing and the open
   * group already holds `maxSize` output messages. A batch that joined without waiting for its commit
   * waits here, so at most one committing and one full open group are held in memory.
   */
  room(): Promise<void> {
    if (!(this.committing && this.openSize >= this.opts.maxSize)) return Promise.resolve();
    return new Promise<void>((resolve) => this.roomWaiters.push(resolve));
  }

  /**
   * Commits the open group now (without waiting for the round or the linger) and resolves when no
   * transaction is open or committing; a failed commit is its members' to report, not flush's.
   */
  async flush(): Promise<void> {
    while (this.open.length > 0 || this.committing) {
      if (this.committing) await new Promise<void>((resolve) => this.idleWaiters.push(resolve));
      else this.maybeCommit(true);
    }
  }

  /**
   * Rejects every member of the open group with `err`: none of them is written. For a pipe whose
   * previous transaction aborted: what was consumed after it must be consumed again, not committed.
   */
  dropOpen(err: unknown): void {
    clearTimeout(this.linger);
    this.linger = undefined;
    const members = this.open;
    this.open = [];
    this.openSize = 0;
    for (const m of members) m.reject(err);
    this.wakeRoom();
  }

  private wakeRoom(): void {
    if (this.committing && this.openSize >= this.opts.maxSize) return;
    for (const resolve of this.roomWaiters.splice(0)) resolve();
  }

  private maybeCommit(lingerExpired = false): void {
    if (this.committing || this.open.length === 0) return;
    if (!lingerExpired && this.active > 0 && this.openSize < this.opts.maxSize) return;
    clearTimeout(this.linger);
    this.linger = undefined;
    const members = this.open;
    this.open = [];
    this.openSize = 0;
    const live: Member<T>[] = [];
    for (const m of members) {
      if (m.isStale()) m.reject(new StaleBatchError());
      else live.push(m);
    }
    if (live.length === 0) {
      this.wakeRoom();
      return this.maybeCommit();
    }
    this.committing = true;
    this.wakeRoom();
    this.opts.commit(live.map((m) => m.payload)).then(
      () => {
        this.stats.transactions++;
        this.stats.batches += live.length;
        for (const m of live) m.resolve();
      },
      (err: unknown) => {
        for (const m of live) m.reject(err);
      },
    ).finally(() => {
      this.committing = false;
      this.wakeRoom();
      for (const resolve of this.idleWaiters.splice(0)) resolve();
      // Members that joined meanwhile: their linger may have run out while this one committed.
      if (this.open.length > 0 && !this.linger) this.maybeCommit(true);
      else this.maybeCommit();
    });
  }
}
