import {
  DELIVERY_JOB_SCHEMA,
  DELIVERY_RESULT_SCHEMA,
  SUBJECTS,
} from '@herald/events';
import { DEFAULT_RETRY_DELAYS_MS, type DeliveryMethod, verifyTopics, TOPICS, topicSpecs, type Consumer, type EachBatchPayload, type TopicSpec } from '@herald/kafka';
import { connectDb } from '@herald/mongo';
import { NotificationStore, registryChangeCodec, SubscriptionChangePublisher, SubscriptionView } from '@herald/subscriptions';
import { AttemptLog } from './attempt-log.js';
import { BatchingProducer } from './batching-producer.js';
import { HealthAggregator } from './endpoint-health.js';
import { InspectionStore } from './inspection-store.js';
import { FailureAccounting } from './failure-accounting.js';
import { InfrastructureFailure } from './infrastructure-failure.js';
import { JobProcessor } from './job-processor.js';
import { createDeliveryMetrics } from './metrics.js';
import { NotificationLookup } from './notification-lookup.js';
import { PartitionWorker } from './partition-worker.js';
import { RuntimeProtection } from './protection-runtime.js';
import { RetrySchedule } from './retry-schedule.js';
import type { DeliveryRuntimeOptions } from './runtime-options.js';
import { SlotPool } from './slot-pool.js';
import { tagFilteredSender } from './tag-filtered-sender.js';

export interface DeliveryRuntime {
  /** Connects, bootstraps the subscription view, and starts consuming (dependencies first). */
  start(): Promise<void>;
  /**
   * Stops fetching, lets in-flight attempts finish for up to `drainMs` (default 12 s), commits
   * what finished, and disconnects. Unfinished work stays uncommitted and is redelivered. Idempotent.
   */
  stop(opts?: { drainMs?: number }): Promise<void>;
  /**
   * Once started: why the runtime cannot work right now (its job consumer restarting, the
   * subscription feed not consuming), or undefined. Its lifecycle state is the service's.
   */
  notReadyReason(): string | undefined;
}

/**
 * The shared delivery runtime (DESIGN.md): one consumer group per method over
 * `notifications.<method>` and its retry topics, bounded concurrent attempts with in-order
 * commits, retry topics with due times, dead-letter topic, result records, failure accounting and
 * the attempt log. The method-specific part is the `sender`.
 */
export function createDeliveryRuntime(o: DeliveryRuntimeOptions): DeliveryRuntime {
  const { method, kafka, codec, logger } = o;
  const schedule = new RetrySchedule(o.retryDelaysMs ?? DEFAULT_RETRY_DELAYS_MS);
  const slots = new SlotPool(o.concurrency ?? 64, o.notificationConcurrency ?? 4);
  const workers = new Map<string, PartitionWorker>();
  const aborter = new AbortController();
  const retryTopics = Array.from({ length: schedule.levels }, (_, i) => TOPICS.retry(method, i + 1));
  const levelOf = new Map<string, number>([[TOPICS.jobs(method), 0], ...retryTopics.map((t, i) => [t, i + 1] as const)]);
  const metrics = createDeliveryMetrics(o.registry, {
    inFlight: () => slots.inFlight,
    buffered: () => [...workers.values()].reduce((n, w) => n + w.pending, 0),
    ready: () => o.lifecycle.state === 'ready' && notReadyReason() === undefined,
  });

  const protection = new RuntimeProtection({
    method,
    settings: o.protection ?? {},
    probeLeaseMs: (o.attemptTimeoutMs ?? 10_000) + 5_000,
    registry: o.registry,
    logger,
    wake: schedulePump,
    waiting: () => [...workers.values()].reduce((n, w) => n + w.waiting, 0),
  });

  const consumer: Consumer = kafka.consumer({
    groupId: o.groupId,
    sessionTimeout: o.sessionTimeoutMs ?? 10_000,
    // kafkajs's default: a heartbeat is one more request per interval at rest; rebalances are
    // announced by the coordinator in the heartbeat answer, so this bounds how late a member joins one.
    heartbeatInterval: 3_000,
    // A long-poll: a fetch returns as soon as a job arrives, so this bounds idle wake-ups, not
    // latency. Not longer: a retry partition resumed when its head comes due is only fetched in the
    // next round (and with every partition paused kafkajs sleeps this long), so it bounds how late
    // a retry starts after its due time.
    maxWaitTimeInMs: 500,
    readUncommitted: false,
    allowAutoTopicCreation: false,
  });
  const out = new BatchingProducer(o.records);
  const changeCodec = registryChangeCodec(codec);
  const feed = new SubscriptionChangePublisher(kafka, changeCodec, logger);

  let view: SubscriptionView | undefined;
  let attemptLog: AttemptLog | undefined;
  let inspections: InspectionStore | undefined;
  let health: HealthAggregator | undefined;
  let processor: JobProcessor | undefined;
  let stopping: Promise<void> | undefined;
  let pumpScheduled = false;
  let committing: Promise<void> | undefined;
  let commitTimer: NodeJS.Timeout | undefined;
  let consumerState: 'running' | 'restarting' | 'crashed' = 'running';
  const timers: NodeJS.Timeout[] = [];
  const stallTimeoutMs = o.stallTimeoutMs ?? 60_000;

  /** The runtime cannot recover by itself: the service fails (its lifecycle logs it once). */
  function fail(err: Error): void {
    o.lifecycle.fail(err);
  }

  /** Liveness watchdog: a partition with work and no progress for the bound is stalled. */
  function watch(): void {
    const now = Date.now();
    let stalled = 0;
    for (const w of workers.values()) {
      if (w.pending === 0) continue;
      const p = w.progress();
      // Waiting for a due time, an open breaker or a rate limit is meant, not a stall.
      if (p.waitingForDue || p.waitingForProtection || now - p.lastProgressAt < stallTimeoutMs) continue;
      stalled++;
      logger.error({ topic: p.topic, partition: p.partition, pending: w.pending, states: p.states, idleMs: now - p.lastProgressAt, inFlight: slots.inFlight, producerQueued: out.queued }, 'partition stalled');
    }
    metrics.stalledPartitions.set({ method }, stalled);
    if (stalled === 0) return;
    const stall = new Error(`${stalled} partition(s) made no progress for ${stallTimeoutMs} ms`);
    if (!o.dependencies) return fail(stall);
    // Work that waits for Kafka or MongoDB to come back is retried and resumes by itself: an
    // outage makes the service not ready, not dead.
    void o.dependencies.failing().then((down) => {
      if (down === undefined) fail(stall);
      else logger.warn({ stalled, dependency: down }, 'partitions wait for a dependency, not stalled');
    });
  }

  /**
   * Commits come after work finishes, not on a clock: the first finish (or fetch) after a commit
   * arms one timer for the commit interval, so a partition at rest costs no wake-ups.
   */
  function scheduleCommit(): void {
    if (commitTimer || stopping) return;
    commitTimer = setTimeout(() => {
      commitTimer = undefined;
      void commitOnce();
    }, o.commitIntervalMs ?? 100);
  }

  function schedulePump(): void {
    scheduleCommit();
    if (pumpScheduled) return;
    pumpScheduled = true;
    setImmediate(() => {
      pumpScheduled = false;
      const now = Date.now();
      // Rotate the starting worker so no partition always gets the free slots first.
      const list = [...workers.values()];
      const start = list.length === 0 ? 0 : Math.floor(Math.random() * list.length);
      for (let i = 0; i < list.length; i++) (list[(start + i) % list.length] as PartitionWorker).pump(now);
    });
  }

  function workerFor(topic: string, partition: number): PartitionWorker {
    const id = `${topic}:${partition}`;
    let w = workers.get(id);
    if (!w) {
      const level = levelOf.get(topic) ?? 0;
      const source = { topic, partition, level };
      w = new PartitionWorker({
        topic,
        partition,
        isRetry: level > 0,
        slots,
        concurrency: o.partitionConcurrency ?? 16,
        maxBuffered: o.maxBufferedPerPartition ?? 1_000,
        prepare: (message) => (processor as JobProcessor).prepare(message, source),
        setFetchPaused: (paused) => {
          try {
            if (paused) consumer.pause([{ topic, partitions: [partition] }]);
            else consumer.resume([{ topic, partitions: [partition] }]);
          } catch (err) {
            // The consumer is stopping or rejoining; the partition's state is rebuilt after a join.
            logger.debug({ err, topic, partition, paused }, 'pause/resume skipped');
          }
        },
        wake: schedulePump,
        protection: protection.gate,
        onWait: protection.onWait,
        onError: (err, step, offset) =>
          err instanceof InfrastructureFailure
            ? logger.warn({ err, topic, partition, offset }, 'attempt waits for a dependency, retrying')
            : logger.error({ err, topic, partition, offset, step }, 'job step failed unexpectedly, retrying'),
      });
      workers.set(id, w);
    }
    return w;
  }

  async function eachBatch({ batch, resolveOffset, isRunning, isStale }: EachBatchPayload): Promise<void> {
    if (!isRunning() || isStale() || stopping) return;
    workerFor(batch.topic, batch.partition).add(batch.messages, batch.lastOffset());
    // The fetch position moves on; what is committed is decided by the workers (commitOnce).
    resolveOffset(batch.lastOffset());
    schedulePump();
  }

  async function commitOnce(): Promise<void> {
    if (committing) return committing;
    const offsets: { topic: string; partition: number; offset: string }[] = [];
    const owners: PartitionWorker[] = [];
    for (const w of workers.values()) {
      const offset = w.commitOffset();
      if (offset !== undefined) {
        offsets.push({ topic: w.opts.topic, partition: w.opts.partition, offset });
        owners.push(w);
      }
    }
    if (offsets.length === 0) return;
    committing = consumer
      .commitOffsets(offsets)
      .then(() => offsets.forEach((c, i) => owners[i]?.markCommitted(c.offset)))
      .catch((err: unknown) => logger.warn({ err, partitions: offsets.length }, 'offset commit failed, will retry'))
      .finally(() => {
        committing = undefined;
        // Failed, or more finished while it was in flight: commit again after the interval.
        if ([...workers.values()].some((w) => w.commitOffset() !== undefined)) scheduleCommit();
      });
    return committing;
  }

  consumer.on(consumer.events.GROUP_JOIN, ({ payload }) => {
    // A restarted consumer rejoins its group: consuming again.
    if (consumerState === 'restarting') consumerState = 'running';
    const assigned = new Set(Object.entries(payload.memberAssignment).flatMap(([t, ps]) => ps.map((p) => `${t}:${p}`)));
    for (const [id, w] of workers) {
      if (!assigned.has(id)) {
        w.close();
        workers.delete(id);
      }
    }
    logger.info({ groupId: o.groupId, partitions: assigned.size }, 'partitions assigned');
  });
  consumer.on(consumer.events.CRASH, ({ payload }) => {
    logger.error({ err: payload.error, restart: payload.restart }, 'consumer crashed');
    consumerState = payload.restart ? 'restarting' : 'crashed';
    if (!payload.restart) fail(new Error(`consumer crashed and will not restart: ${payload.error?.message ?? 'unknown error'}`));
  });

  function notReadyReason(): string | undefined {
    if (consumerState !== 'running') return `kafka: job consumer ${consumerState}`;
    if (view && !view.consuming) return 'kafka: subscription feed not consuming';
    return undefined;
  }

  return {
    notReadyReason,
    async start() {
      const alertEmail = o.alertEmail ?? true;
      // Where disable alerts go: in-app always, e-mail where configured.
      const alertMethods: DeliveryMethod[] = alertEmail ? ['quay_notification', 'email'] : ['quay_notification'];
      const wanted = new Set([TOPICS.jobs(method), ...retryTopics, TOPICS.dlq(method), TOPICS.deliveryResults, TOPICS.subscriptionChanges, ...alertMethods.map((m) => TOPICS.jobs(m))]);
      // topicSpecs' parameter is typed as the literal default length (6); any level count is valid.
      const specsFor = topicSpecs as (retryLevels: number) => TopicSpec[];
      // Topics are provisioned by `npx herald topics apply`; a service only checks them.
      await verifyTopics(kafka, specsFor(schedule.levels).filter((s) => wanted.has(s.name)));
      await Promise.all([
        codec.register(SUBJECTS.jobs(method), DELIVERY_JOB_SCHEMA),
        ...alertMethods.map((m) => codec.register(SUBJECTS.jobs(m), DELIVERY_JOB_SCHEMA)),
        codec.register(SUBJECTS.deliveryResults, DELIVERY_RESULT_SCHEMA),
      ]);
      const db = await connectDb(o.mongo, o.dbName);
      const store = new NotificationStore(db);
      await protection.attach(db);
      // Before any lookup: a database of the old layout is re-keyed (whichever service starts first).
      await store.ensureIndexes();
      attemptLog = new AttemptLog(db, { ...o.attemptLog, logger, onDropped: (n) => metrics.attemptLogDropped.inc({ method }, n) });
      await attemptLog.ensureIndexes();
      health = new HealthAggregator(db, { logger });
      await health.ensureIndexes();
      if (o.inspection?.enabled) {
        inspections = new InspectionStore(db, { retentionMs: o.inspection.retentionMs, logger, onDropped: (n) => metrics.inspectionDropped.inc({ method }, n) });
        await inspections.ensureIndexes();
      }
      const lookup = new NotificationLookup({ get: (uuid) => view?.get(uuid) }, store);
      view = new SubscriptionView({
        kafka,
        store,
        codec: changeCodec,
        logger,
        groupPrefix: `${o.groupId}-view`,
        onChange: (s) => lookup.invalidate(s.uuid),
        onFatal: (err) => fail(new Error(`subscription feed lost: ${err.message}`)),
      });
      const accounting = new FailureAccounting({
        store,
        feed,
        threshold: o.failureThreshold ?? 3,
        logger,
        alertEmail,
        publishAlert: (job) => out.send(TOPICS.jobs(job.method), { key: job.notification_uuid, value: codec.encode(SUBJECTS.jobs(job.method), job) }),
        onDisabled: () => metrics.disabled.inc({ method }),
      });
      processor = new JobProcessor({
        method,
        codec,
        lookup,
        sender: tagFilteredSender(o.sender),
        schedule,
        out,
        accounting,
        attemptLog,
        inspections: inspections && o.inspection ? { store: inspections, limits: o.inspection.limits } : undefined,
        health,
        perNotificationMetrics: o.perNotificationMetrics ?? false,
        metrics,
        logger,
        attemptTimeoutMs: o.attemptTimeoutMs ?? 10_000,
        stopSignal: aborter.signal,
        ...(o.schemaRegistry ? { schemaRegistry: o.schemaRegistry } : {}),
        destination: o.destination,
      });
      await o.records.connect([TOPICS.deliveryResults, TOPICS.dlq(method), ...retryTopics, ...alertMethods.map((m) => TOPICS.jobs(m))]);
      await feed.connect();
      await view.start();
      await consumer.connect();
      await consumer.subscribe({ topics: [TOPICS.jobs(method), ...retryTopics], fromBeginning: o.fromBeginning ?? true });
      await consumer.run({ autoCommit: false, eachBatchAutoResolve: false, partitionsConsumedConcurrently: 1, eachBatch });
      const log = attemptLog;
      const [ins, agg] = [inspections, health];
      timers.push(
        setInterval(() => {
          log.prune().catch((err: unknown) => logger.warn({ err }, 'attempt log prune failed'));
          ins?.purge().catch((err: unknown) => logger.warn({ err }, 'inspection purge failed'));
          agg.purge().catch((err: unknown) => logger.warn({ err }, 'endpoint health purge failed'));
        }, o.pruneIntervalMs ?? 60_000),
      );
      timers.push(setInterval(watch, Math.min(5_000, Math.max(250, stallTimeoutMs / 4))));
      logger.info({ method, groupId: o.groupId, retryDelaysMs: schedule.delaysMs, concurrency: slots.max }, 'delivery runtime started');
    },
    stop(opts = {}) {
      stopping ??= (async () => {
        for (const w of workers.values()) w.drain();
        const topics = [TOPICS.jobs(method), ...retryTopics];
        try {
          consumer.pause(topics.map((topic) => ({ topic })));
        } catch {
          // Not running yet: nothing to pause.
        }
        const deadline = Date.now() + (opts.drainMs ?? 12_000);
        while ([...workers.values()].some((w) => !w.idle) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
        // Whatever is still in flight is given up (and redelivered to the next owner).
        aborter.abort();
        await new Promise((r) => setTimeout(r, 50));
        await commitOnce();
        await committing;
        for (const t of timers) clearInterval(t);
        clearTimeout(commitTimer);
        await consumer.disconnect().catch((err: unknown) => logger.warn({ err }, 'consumer disconnect failed'));
        await out.flush().catch(() => undefined);
        await o.records.close().catch(() => undefined);
        await feed.disconnect().catch(() => undefined);
        await view?.stop().catch(() => undefined);
        await attemptLog?.flush();
        await protection.flush();
        await inspections?.flush();
        await health?.flush();
        logger.info({ method }, 'delivery runtime stopped');
      })();
      return stopping;
    },
  };
}
