import type { KafkaMessage } from '@herald/kafka';
import type { Admission } from './circuit-breaker.js';
import type { EndpointProtection, WaitReason } from './endpoint-protection.js';
import type { SlotPool } from './slot-pool.js';
import { Abandoned, type Task } from './task.js';

/** `waiting`: due, but held by endpoint protection (an open breaker, a rate limit) in its notification's queue. */
type State = 'queued' | 'preparing' | 'ready' | 'waiting' | 'running' | 'done' | 'abandoned';

interface Entry {
  offset: bigint;
  message: KafkaMessage;
  state: State;
  task?: Task;
}

/** A notification's jobs held by endpoint protection, oldest first, and when to ask again. */
interface WaitQueue {
  /** Started ones are cleared (undefined) up to `head`. */
  entries: (Entry | undefined)[];
  head: number;
  wakeAt: number;
  /** EndpointProtection.generation when told to wait: a newer one asks again at once. */
  generation: number;
  /** Why its head waits (what jobs queued behind it are counted under). */
  reason: WaitReason;
}

export interface PartitionWorkerOptions {
  topic: string;
  partition: number;
  /** Retry topics wait for each message's due time; the job topic does not. */
  isRetry: boolean;
  slots: SlotPool;
  /** Attempts in flight from this partition at most. */
  concurrency: number;
  /**
   * Messages held (not yet committed) before fetching from this partition pauses. Jobs waiting on
   * endpoint protection do not count, up to WAITING_ALLOWANCE times this in all: a rate-limited
   * burst does not stop its neighbours' jobs from being fetched.
   */
  maxBuffered: number;
  /** Decodes and looks up a message; rejects only with Abandoned. */
  prepare(message: KafkaMessage): Promise<Task>;
  /** Pauses or resumes fetching this partition. */
  setFetchPaused(paused: boolean): void;
  /**
   * The gate in front of each attempt (circuit breakers, rate limits). A job it holds waits in
   * its notification's queue without a slot; the notification's later jobs queue behind it, other
   * notifications' jobs go on.
   */
  protection?: EndpointProtection | undefined;
  /** A job started waiting (each job once, when it enters its notification's queue), and why. */
  onWait?(reason: WaitReason): void;
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
  /** True when every unfinished message waits on endpoint protection (an open breaker, a rate limit): a legitimate wait. */
  waitingForProtection: boolean;
  /** Messages waiting on endpoint protection. */
  waiting: number;
}

/** Held messages, waiting ones included, at most this many times maxBuffered (memory stays bounded). */
const WAITING_ALLOWANCE = 4;

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
  /** Jobs held by endpoint protection, by notification (see WaitQueue). */
  private readonly waitQueues = new Map<string, WaitQueue>();
  private waitingCount = 0;

  constructor(readonly opts: PartitionWorkerOptions) {}

  /** The watchdog's view: when this partition last moved, and what its unfinished messages are doing. */
  progress(): PartitionProgress {
    const states: Record<string, number> = {};
    for (let i = this.head; i < this.entries.length; i++) {
      const st = (this.entries[i] as Entry).state;
      if (st !== 'done') states[st] = (states[st] ?? 0) + 1;
    }
    const waitingForDue = this.opts.isRetry && this.headWaitsForDue && this.busy === 0;
    const waitingForProtection = this.waitingCount > 0 && this.waitingCount === this.undone && this.busy === 0;
    return { topic: this.opts.topic, partition: this.opts.partition, lastProgressAt: this.lastProgressAt, states, waitingForDue, waitingForProtection, waiting: this.waitingCount };
  }

  /** Jobs waiting on endpoint protection. */
  get waiting(): number {
    return this.waitingCount;
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
    const waitingBefore = this.waitingCount;
    // Queues held by protection first: their jobs are older than anything the scan finds.
    let earliest = this.waitQueues.size > 0 ? this.pumpWaiting(now) : Infinity;
    let first = true;
    let headWaits = false;
    let scanned = 0;
    for (let i = this.head; i < this.entries.length && scanned < SCAN_LIMIT; i++) {
      const e = this.entries[i] as Entry;
      // Waiting jobs are their queue's business: they neither count against the scan nor hide the head.
      if (e.state === 'done' || e.state === 'waiting') continue;
      if (e.state === 'ready' && e.task) {
        const t = e.task;
        const queue = t.attempt ? this.waitQueues.get(t.key) : undefined;
        if (queue && t.dueAt <= now) {
          // The notification's older jobs wait: this one queues behind them, in order.
          this.enqueue(queue, e);
          this.opts.onWait?.(queue.reason);
          continue;
        }
        scanned++;
        if (t.dueAt > now) {
          earliest = Math.min(earliest, t.dueAt);
          if (first) headWaits = true;
        } else if (!t.attempt) this.run(e, false);
        else if (this.hasCapacity() && this.opts.slots.tryAcquire(t.key)) {
          const wait = this.admit(e, now);
          if (wait > 0) earliest = Math.min(earliest, wait);
        }
      }
      first = false;
      if (this.readyFree === 0 && !this.hasCapacity() && !this.opts.isRetry) break;
    }
    this.headWaitsForDue = headWaits;
    if (this.opts.isRetry) this.setPause('due', headWaits);
    if (this.waitingCount !== waitingBefore) this.updateBufferPause();
    if (earliest < Infinity) this.wakeAt(earliest, now);
  }

  private hasCapacity(): boolean {
    return this.running < this.opts.concurrency && !this.opts.slots.full;
  }

  /**
   * Asks protection whether a job holding a slot may go: runs it, or gives the slot back and puts
   * the job in its notification's queue. Returns 0, or the epoch ms to ask again.
   */
  private admit(e: Entry, now: number): number {
    const t = e.task as Task;
    const p = this.opts.protection;
    const a = p ? p.admit(t, now) : undefined;
    if (typeof a !== 'number') {
      this.run(e, true, a);
      return 0;
    }
    this.opts.slots.release(t.key);
    const gate = p as EndpointProtection;
    const queue: WaitQueue = { entries: [], head: 0, wakeAt: a, generation: gate.generation, reason: gate.lastWaitReason };
    this.waitQueues.set(t.key, queue);
    this.enqueue(queue, e);
    this.opts.onWait?.(queue.reason);
    return a;
  }

  private enqueue(queue: WaitQueue, e: Entry): void {
    e.state = 'waiting';
    queue.entries.push(e);
    this.waitingCount++;
  }

  /** Starts what protection lets go from the waiting queues; returns the earliest time to ask again. */
  private pumpWaiting(now: number): number {
    const p = this.opts.protection as EndpointProtection;
    let earliest = Infinity;
    for (const [key, q] of this.waitQueues) {
      if (q.wakeAt > now && q.generation === p.generation) {
        earliest = Math.min(earliest, q.wakeAt);
        continue;
      }
      while (q.head < q.entries.length && this.hasCapacity() && this.opts.slots.tryAcquire(key)) {
        const e = q.entries[q.head] as Entry;
        const a = p.admit(e.task as Task, now);
        if (typeof a === 'number') {
          this.opts.slots.release(key);
          q.wakeAt = a;
          q.generation = p.generation;
          q.reason = p.lastWaitReason;
          earliest = Math.min(earliest, a);
          break;
        }
        q.entries[q.head++] = undefined;
        this.waitingCount--;
        this.run(e, true, a);
      }
      if (q.head >= q.entries.length) this.waitQueues.delete(key);
      else if (q.head > 1024 && q.head * 2 > q.entries.length) {
        q.entries = q.entries.slice(q.head);
        q.head = 0;
      }
    }
    return earliest;
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
    this.waitQueues.clear();
    this.waitingCount = 0;
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

  private run(e: Entry, withSlot: boolean, admission?: Admission): void {
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
    task.run(release, admission).then(
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
        // Never reached the endpoint's verdict: a probe it held is let go again.
        admission?.settle('neutral');
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
    const max = this.opts.maxBuffered;
    const active = this.undone - this.waitingCount;
    const cap = max * WAITING_ALLOWANCE;
    if (active >= max || this.undone >= cap) this.setPause('buffer', true);
    else if (active < max / 2 && this.undone < cap - max / 2) this.setPause('buffer', false);
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
