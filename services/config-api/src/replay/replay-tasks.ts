import { randomUUID } from 'node:crypto';
import { ValidationError } from '@herald/errors';
import type { SchemaRegistryCodec } from '@herald/events';
import type { Kafka } from '@herald/kafka';
import type { Logger } from '@herald/logger';
import { checkReplayWindow, planReplay, ReplayWindowExpiredError, runReplay, type ReplayCounts, type ReplayPlan, type ReplayWindow } from '@herald/routing';
import { toSubscription, type NotificationDoc } from '@herald/subscriptions';
import { ConflictError, TooManyRequestsError, UpstreamError } from '../http/http-errors.js';
import type { ReplayDoc, ReplayStore } from './replay-store.js';

export interface ReplayTasksOptions {
  kafka: Kafka;
  codec: SchemaRegistryCodec;
  store: () => ReplayStore;
  /** The event log replayed (`repository-events`). */
  topic: string;
  maxEventsPerSecond: number;
  maxWindowMs: number;
  /** Replays this process runs at once; beyond, start() is refused (429). */
  maxConcurrent: number;
  logger: Logger;
}

interface Running {
  /** The service stops: the replay ends as failed. */
  shutdown: AbortController;
  /** Cancelled by a request to this replica (others are noticed at the next progress write). */
  cancel: AbortController;
  done: Promise<void>;
}

/**
 * Replays run in the config-api process that accepted them, in the background, one at a time per
 * notification (across replicas: ReplayStore). Progress goes to MongoDB, so any replica answers
 * GET; a replay whose process died is shown failed. stop() ends the local ones (failed: the
 * service stopped) before Kafka is disconnected.
 */
export class ReplayTasks {
  private readonly running = new Map<string, Running>();
  /** Notifications whose replay is between the checks and its start (planning the window). */
  private readonly starting = new Set<string>();

  constructor(private readonly o: ReplayTasksOptions) {}

  /** Validates and plans the window, stores the replay and starts it; resolves when it is running. */
  async start(n: NotificationDoc, from: Date, to: Date, requestedBy: string): Promise<ReplayDoc> {
    const window = checkReplayWindow(from, to, Date.now(), this.o.maxWindowMs);
    const store = this.o.store();
    const current = await store.get(n.uuid);
    // From here to starting.add nothing waits: two requests for one notification cannot both pass.
    if (current?.state === 'running' || this.starting.has(n.uuid) || this.running.has(n.uuid)) throw alreadyRunning(n.uuid);
    // Each replay reads at its own rate: bounding how many run bounds what they take from routing.
    const busy = this.running.size + this.starting.size;
    if (busy >= this.o.maxConcurrent) {
      throw new TooManyRequestsError(`this instance runs ${busy} replay(s), the most it runs at once (REPLAY_MAX_CONCURRENT); retry when one has ended`, 10);
    }
    this.starting.add(n.uuid);
    try {
      return await this.startCounted(n, window, requestedBy);
    } finally {
      this.starting.delete(n.uuid);
    }
  }

  private async startCounted(n: NotificationDoc, window: ReplayWindow, requestedBy: string): Promise<ReplayDoc> {
    const store = this.o.store();
    let plan: ReplayPlan;
    try {
      plan = await planReplay(this.o.kafka, this.o.topic, window);
    } catch (err) {
      if (err instanceof ReplayWindowExpiredError) throw new ValidationError('from', err.message, { cause: err });
      throw new UpstreamError(503, `the event log could not be read: ${(err as Error).message}`, err);
    }
    const doc = await store.start({
      id: randomUUID(),
      notification_uuid: n.uuid,
      from: window.from,
      to: window.to,
      total: plan.total,
      requested_by: requestedBy,
      created_at: new Date(),
    });
    if (!doc) throw alreadyRunning(n.uuid);
    const shutdown = new AbortController();
    const cancel = new AbortController();
    const entry: Running = { shutdown, cancel, done: this.run(n, doc, plan, shutdown.signal, cancel) };
    this.running.set(n.uuid, entry);
    void entry.done.finally(() => this.running.get(n.uuid) === entry && this.running.delete(n.uuid));
    return doc;
  }

  /** The notification's latest replay (from any replica), or null. */
  get(notificationUuid: string): Promise<ReplayDoc | null> {
    return this.o.store().get(notificationUuid);
  }

  /** Cancels the notification's running replay, wherever it runs; null when none runs. */
  async cancel(notificationUuid: string): Promise<ReplayDoc | null> {
    const doc = await this.o.store().cancel(notificationUuid);
    if (doc) this.running.get(notificationUuid)?.cancel.abort();
    return doc;
  }

  /** Ends the replays of this process (each is marked failed) and waits for them. */
  async stop(): Promise<void> {
    const all = [...this.running.values()];
    for (const r of all) r.shutdown.abort();
    await Promise.allSettled(all.map((r) => r.done));
  }

  private async run(n: NotificationDoc, doc: ReplayDoc, plan: ReplayPlan, signal: AbortSignal, cancelled: AbortController): Promise<void> {
    const store = this.o.store();
    const log = this.o.logger.child({ replayId: doc.id, notificationUuid: n.uuid });
    let last: ReplayCounts = { scanned: 0, matched: 0, produced: 0, done: 0 };
    const onStop = () => cancelled.abort();
    signal.addEventListener('abort', onStop, { once: true });
    // Keeps the heartbeat while the reader waits or sleeps, and notices a cancel from any replica.
    const beat = setInterval(() => {
      void store
        .progress(n.uuid, doc.id, last)
        .then((running) => running || cancelled.abort())
        .catch((err: unknown) => log.warn({ err }, 'replay heartbeat failed'));
    }, Math.max(1_000, store.staleMs / 3));
    try {
      log.info({ from: doc.from, to: doc.to, total: plan.total }, 'replay started');
      const { counts, completed } = await runReplay({
        kafka: this.o.kafka,
        codec: this.o.codec,
        subscription: toSubscription(n),
        topic: this.o.topic,
        ranges: plan.ranges,
        replayId: doc.id,
        maxEventsPerSecond: this.o.maxEventsPerSecond,
        signal: cancelled.signal,
        logger: log,
        onProgress: async (c) => {
          last = c;
          return store.progress(n.uuid, doc.id, c);
        },
      });
      if (completed) await store.finish(n.uuid, doc.id, 'done', { ...counts, done: plan.total });
      else await store.finish(n.uuid, doc.id, signal.aborted ? 'failed' : 'cancelled', counts, signal.aborted ? 'the config api stopped' : null);
    } catch (err) {
      log.error({ err }, 'replay failed');
      await store.finish(n.uuid, doc.id, 'failed', last, (err as Error).message ?? String(err)).catch((e: unknown) => log.error({ err: e }, 'replay state not stored'));
    } finally {
      clearInterval(beat);
      signal.removeEventListener('abort', onStop);
    }
  }
}

function alreadyRunning(uuid: string): ConflictError {
  return new ConflictError(`a replay of notification ${uuid} is running; cancel it (DELETE …/replay) or wait until it ends`);
}
