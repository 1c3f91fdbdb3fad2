import type { KafkaMessage } from '@herald/kafka';
import type { SlotPool } from './slot-pool.js';
import { Abandoned, type Task } from './task.js';

type State = 'queued' | 'preparing' | 'ready' | 'running' | 'done' | 'abandoned';

interface Entry {
  offset: bigint;
  message: KafkaMessage;
  state: State;
  task?: Task;
}

export interface PartitionWorkerOptions {
  topic: string;
  partition: number;
  /** Retry topics wait for each message's due time; the job topic does not. */
  isRetry: boolean;
  slots: SlotPool;
  /** Attempts in flight from this partition at most. */
  concurrency: number;
  /** Messages held (not yet committed) before fetching from this partition pauses. */
  maxBuffered: number;
  /** Decodes and looks up a message; rejects only with Abandoned. */
  prepare(message: KafkaMessage): Promise<Task>;
  /** Pauses or resumes fetching this partition. */
  setFetchPaused(paused: boolean): void;
  /** Asks the runtime to pump again soon (a slot freed, a due time came). */
  wake(): void;
  /**
   * A prepare or run that failed with something other than Abandoned (a bug or an unforeseen
   * error): the message is retried after a back-off, never left holding the commit point unseen.
   */
  onError?(err: unknown, step: 'prepare' | 'run', offset: string): void;
}

/** What the watchdog sees of a partition. */
export interface PartitionProgress {
  topic: string;
  partition: number;
  /** Epoch ms of the last attempt started, message finished or offset committed. */
  lastProgressAt: number;
  /** Unfinished messages, by state. */
  states: Record<string, number>;
  /** True when every unfinished message waits for its due time (a retry topic at rest). */
  waitingForDue: boolean;
}

/** Back-off before a message whose step failed unexpectedly is tried again. */
const ERROR_RETRY_MS = 1_000;

/** How far ahead of the oldest unfinished message the worker looks for work. */
const SCAN_LIMIT = 512;
// Only ready messages count against the scan limit: messages being prepared or finishing their
// bookkeeping (results, drops awaiting the producer) must not hide the ready ones behind them.

/**
 * The messages of one partition between fetch and commit. Attempts run concurrently (bounded per
 * partition and by the process's slots), in any order; the commit point only moves past a message
 * once its outcome is durable, so a crash re-delivers but never loses. Retry partitions hold each
 * message until its due time and pause fetching while their oldest message waits: nothing sleeps,
 * and other partitions are not held up.
 */
export class PartitionWorker {
  private entries: Entry[] = [];
  private head = 0;
  private nextFetch = -1n;
  private committed = -1n;
  private running = 0;
  private busy = 0;
  /** Prepared entries that need no slot (drops, set-asides): slots don't gate them. */
  private readyFree = 0;
  private undone = 0;
  private closed = false;
  private draining = false;
  private timer: NodeJS.Timeout | undefined;
  private timerAt = Infinity;
  private pausedForDue = false;
  private pausedForBuffer = false;
  private fetchPaused = false;
  private lastProgressAt = Date.now();
  private headWaitsForDue = false;

  constructor(readonly opts: PartitionWorkerOptions) {}

  /** The watchdog's view: when this partition last moved, and what its unfinished messages are doing. */
  progress(): PartitionProgress {
    const states: Record<string, number> = {};
    for (let i = this.head; i < this.entries.length; i++) {
      const st = (this.entries[i] as Entry).state;
      if (st !== 'done') states[st] = (states[st] ?? 0) + 1;
    }
    const waitingForDue = this.opts.isRetry && this.headWaitsForDue && this.busy === 0;
    return { topic: this.opts.topic, partition: this.opts.partition, lastProgressAt: this.lastProgressAt, states, waitingForDue };
  }

  /** Messages not yet finished (queued, waiting or in flight). */
  get pending(): number {
    return this.undone;
  }

  /** True when nothing is being prepared or attempted. */
  get idle(): boolean {
    return this.busy === 0;
  }

  /** Adds a fetched batch; messages below the fetch position (a re-fetch after a rebalance) are skipped. */
  add(messages: readonly KafkaMessage[], lastOffset: string): void {
    if (this.closed) return;
    for (const message of messages) {
      const offset = BigInt(message.offset);
      if (offset < this.nextFetch) continue;
      const e: Entry = { offset, message, state: 'queued' };
      this.entries.push(e);
      this.undone++;
      // Decoded and looked up at once (bounded by maxBuffered): drops and due times are known early.
      this.prepare(e);
    }
    const next = BigInt(lastOffset) + 1n;
    if (next > this.nextFetch) this.nextFetch = next;
    this.updateBufferPause();
  }

  /** Starts what can start now: attempts that are due and have a slot, and drops. */
  pump(now = Date.now()): void {
    if (this.closed || this.draining) return;
    // Saturated and nothing to drop: nothing can start, and the due timer is already set.
    if (this.readyFree === 0 && !this.hasCapacity()) return;
    this.compact();
    let earliest = Infinity;
    let first = true;
    let headWaits = false;
    let scanned = 0;
    for (let i = this.head; i < this.entries.length && scanned < SCAN_LIMIT; i++) {
      const e = this.entries[i] as Entry;
      if (e.state === 'done') continue;
      if (e.state === 'ready' && e.task) {
        scanned++;
        const t = e.task;
        if (t.dueAt > now) {
          earliest = Math.min(earliest, t.dueAt);
          if (first) headWaits = true;
        } else if (!t.attempt) this.run(e, false);
        else if (this.hasCapacity() && this.opts.slots.tryAcquire(t.key)) this.run(e, true);
      }
      first = false;
      if (this.readyFree === 0 && !this.hasCapacity() && !this.opts.isRetry) break;
    }
    this.headWaitsForDue = headWaits;
    if (this.opts.isRetry) this.setPause('due', headWaits);
    if (earliest < Infinity) this.wakeAt(earliest, now);
  }

  private hasCapacity(): boolean {
    return this.running < this.opts.concurrency && !this.opts.slots.full;
  }

  /** The offset to commit (the oldest unfinished message, or the fetch position), if it moved. */
  commitOffset(): string | undefined {
    if (this.closed) return undefined;
    this.compact();
    let point = this.nextFetch;
    for (let i = this.head; i < this.entries.length; i++) {
      const e = this.entries[i] as Entry;
      if (e.state !== 'done') {
        point = e.offset;
        break;
      }
    }
    return point > this.committed ? point.toString() : undefined;
  }

  markCommitted(offset: string): void {
    const o = BigInt(offset);
    if (o > this.committed) {
      this.committed = o;
      this.lastProgressAt = Date.now();
    }
  }

  /** Stops starting work (in-flight work finishes and can still be committed). */
  drain(): void {
    this.draining = true;
    this.clearTimer();
  }

  /** The partition is no longer ours: forget it (in-flight work finishes, but is never committed). */
  close(): void {
    this.closed = true;
    this.clearTimer();
    if (this.fetchPaused) this.opts.setFetchPaused(false);
  }

  private prepare(e: Entry): void {
    e.state = 'preparing';
    this.busy++;
    this.opts.prepare(e.message).then(
      (task) => {
        this.busy--;
        e.task = task;
        e.state = 'ready';
        if (!task.attempt) this.readyFree++;
        this.opts.wake();
      },
      (err: unknown) => {
        this.busy--;
        this.failed(e, err, 'prepare');
      },
    );
  }

  /**
   * Abandoned (the runtime is stopping) leaves the message uncommitted for the next owner. Anything
   * else is reported and the message is prepared again after a back-off: before, it was marked
   * abandoned silently and held the commit point (and, at the head, the scan) for good.
   */
  private failed(e: Entry, err: unknown, step: 'prepare' | 'run'): void {
    if (err instanceof Abandoned || this.closed || this.draining) {
      e.state = 'abandoned';
      return;
    }
    this.opts.onError?.(err, step, e.offset.toString());
    e.state = 'queued';
    e.task = undefined;
    setTimeout(() => {
      if (this.closed || this.draining) {
        e.state = 'abandoned';
        return;
      }
      this.prepare(e);
    }, ERROR_RETRY_MS).unref();
  }

  private run(e: Entry, withSlot: boolean): void {
    const task = e.task as Task;
    e.state = 'running';
    if (!withSlot) this.readyFree--;
    this.busy++;
    let held = withSlot;
    if (withSlot) this.running++;
    this.lastProgressAt = Date.now();
    const release = () => {
      if (!held) return;
      held = false;
      this.running--;
      this.opts.slots.release(task.key);
      this.opts.wake();
    };
    task.run(release).then(
      () => {
        release();
        this.busy--;
        e.state = 'done';
        this.undone--;
        this.lastProgressAt = Date.now();
        this.updateBufferPause();
        // A finished message can uncover work the last pump could not reach: pump again (the
        // runtime coalesces wakes). Without this a pump that found nothing startable was never
        // repeated once the bookkeeping ahead of it finished: the burst stall of issue 14.
        this.opts.wake();
      },
      (err: unknown) => {
        release();
        this.busy--;
        this.failed(e, err, 'run');
      },
    );
  }

  private compact(): void {
    while (this.head < this.entries.length && (this.entries[this.head] as Entry).state === 'done') this.head++;
    if (this.head > 1024 && this.head * 2 > this.entries.length) {
      this.entries = this.entries.slice(this.head);
      this.head = 0;
    }
  }

  private updateBufferPause(): void {
    if (this.undone >= this.opts.maxBuffered) this.setPause('buffer', true);
    else if (this.undone < this.opts.maxBuffered / 2) this.setPause('buffer', false);
  }

  private setPause(reason: 'due' | 'buffer', on: boolean): void {
    if (reason === 'due') this.pausedForDue = on;
    else this.pausedForBuffer = on;
    const paused = !this.closed && (this.pausedForDue || this.pausedForBuffer);
    if (paused !== this.fetchPaused) {
      this.fetchPaused = paused;
      this.opts.setFetchPaused(paused);
    }
  }

  private wakeAt(at: number, now: number): void {
    if (this.timer && this.timerAt <= at) return;
    this.clearTimer();
    this.timerAt = at;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.timerAt = Infinity;
      this.opts.wake();
    }, Math.max(1, at - now + 1));
  }

  private clearTimer(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    this.timerAt = Infinity;
  }
}
