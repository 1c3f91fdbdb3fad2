import { performance } from 'node:perf_hooks';
import { DELIVERY_JOB_SCHEMA, SUBJECTS, type DeliveryJob, type SchemaRegistryCodec } from '@herald/events';
import { isRetriable } from '@herald/errors';
import { TOPICS, type DeliveryMethod, type KafkaMessage, type OutgoingMessage } from '@herald/kafka';
import type { Logger } from '@herald/logger';
import { activeMessageTraces, type MessageTraces, type NeededDependency } from '@herald/observability';
import { AttemptCancel, DeadlineSweep } from './attempt-cancel.js';
import { endAttemptSpan, startAttemptSpan } from './attempt-trace.js';
import type { AttemptLog } from './attempt-log.js';
import type { HealthAggregator } from './endpoint-health.js';
import { AttemptCapture, secretsOf, type InspectionLimits } from './inspection.js';
import type { InspectionStore } from './inspection-store.js';
import type { BatchingProducer } from './batching-producer.js';
import type { Admission } from './circuit-breaker.js';
import { DeliveryError, errorClassOf } from './delivery-error.js';
import { attemptOutcomeOf } from './endpoint-protection.js';
import { destinationOf, rateLimitOf } from './endpoint-target.js';
import { InfrastructureFailure, isInfrastructureFailure } from './infrastructure-failure.js';
import type { FailureAccounting } from './failure-accounting.js';
import { dlqHeaders, dueAtOf, headerValue, resultOf, retryHeaders, type MessageSource, type ResultFields } from './job-messages.js';
import type { DeliveryMetrics } from './metrics.js';
import type { NotificationDoc } from '@herald/subscriptions';
import type { NotificationLookup, NotificationState } from './notification-lookup.js';
import { RESENT_FROM_HEADER } from './resend.js';
import type { RetrySchedule } from './retry-schedule.js';
import type { Sender } from './sender.js';
import { tagFilterRejects } from './tag-filtered-sender.js';
import { Abandoned, type Task } from './task.js';
import { untilDone } from './until-done.js';

export interface JobProcessorOptions {
  method: DeliveryMethod;
  codec: SchemaRegistryCodec;
  lookup: NotificationLookup;
  sender: Sender;
  schedule: RetrySchedule;
  out: BatchingProducer;
  accounting: FailureAccounting;
  attemptLog: AttemptLog;
  metrics: DeliveryMetrics;
  logger: Logger;
  attemptTimeoutMs: number;
  /** Aborted when the runtime gives up in-flight work (shutdown past its drain time). */
  stopSignal: AbortSignal;
  /** The schema registry, as readiness sees it: needed while a job's schema id is not cached and it does not answer. */
  schemaRegistry?: NeededDependency;
  /** Where attempts go when the notification's config names no URL (Flowdock's, HipChat's API): its breaker and destination limit. */
  destination?: string | undefined;
  /** Attempt inspection (request and response of each attempt); absent when off. */
  inspections?: { store: InspectionStore; limits: InspectionLimits } | undefined;
  /** Endpoint health aggregates (attempts per notification and minute). */
  health?: HealthAggregator | undefined;
  /** Also count attempts per notification on a metric (`METRICS_PER_NOTIFICATION`). */
  perNotificationMetrics?: boolean;
  /** A trace per attempt (a span when sampled), handed to the sender; default: the process's (activeMessageTraces), none when tracing is off. */
  traces?: MessageTraces;
}

/** A failure as results and logs show it: no secrets (senders never put URLs or tokens in messages). */
function describe(err: unknown): string {
  if (err instanceof Error) return `${(err as { code?: string }).code ?? err.name}: ${err.message}`.slice(0, 500);
  return String(err).slice(0, 500);
}

/**
 * What happens to one consumed job: decode, look up the notification, attempt with a timeout, and
 * route the outcome — result record always; retry topic with its due time, or dead-letter topic
 * with the reason; failure accounting; attempt log. Every Kafka and MongoDB step is retried until
 * durable (see untilDone), so the offset is committed only after the outcome is safe.
 */
export class JobProcessor {
  private readonly subject: string;
  /** Attempts in flight: aborted at their deadline, or together when the runtime stops. */
  private readonly attempts = new DeadlineSweep();
  private readonly counters = new Map<string, { inc(): void }>();
  private readonly successes: { inc(): void };
  private readonly attemptSeconds: { observe(v: number): void };
  private readonly endToEndSeconds: { observe(v: number): void };
  private readonly traces: MessageTraces | undefined;

  constructor(private readonly o: JobProcessorOptions) {
    this.traces = o.traces ?? activeMessageTraces();
    this.subject = SUBJECTS.jobs(o.method);
    this.attemptSeconds = o.metrics.attemptSeconds.labels({ method: o.method });
    this.endToEndSeconds = o.metrics.endToEndSeconds.labels({ method: o.method });
    this.successes = o.metrics.attempts.labels({ method: o.method, outcome: 'success', error_class: '' });
    o.stopSignal.addEventListener('abort', () => this.attempts.abortAll(o.stopSignal.reason));
  }

  /** The attempts counter for an outcome and error class (label children cached: this runs per delivery). */
  private count(outcome: string, errorClass: string): void {
    const key = `${outcome}/${errorClass}`;
    let c = this.counters.get(key);
    if (!c) this.counters.set(key, (c = this.o.metrics.attempts.labels({ method: this.o.method, outcome, error_class: errorClass })));
    c.inc();
  }

  private step<T>(what: string, fn: () => Promise<T>): Promise<T> {
    return untilDone(what, fn, { signal: this.o.stopSignal, logger: this.o.logger });
  }

  async prepare(message: KafkaMessage, source: MessageSource): Promise<Task> {
    const key = message.key?.toString() ?? '';
    // Known schema ids decode without a promise; a new one goes to the registry (retried until it answers).
    const decoded = this.o.codec.decodeKnown(message.value, DELIVERY_JOB_SCHEMA) ?? (await this.step('decode job', () => this.fetchAndDecode(message)));
    if (!decoded.ok) {
      return this.now(key, () => this.setAside(message, source, 'undecodable', `${decoded.error.code}: ${decoded.error.message}`));
    }
    const job = decoded.value;
    if (job.method !== this.o.method) {
      return this.now(key, () => this.setAside(message, source, 'wrong_method', `a ${job.method} job on ${source.topic}`));
    }
    const known = this.resolve(job);
    const state = known instanceof Promise ? await known : known;
    if (state.state !== 'active') return this.now(job.notification_uuid, () => this.drop(job, state));
    const dueAt = source.level > 0 ? dueAtOf(message, this.o.schedule.delayOf(source.level)) : 0;
    return {
      key: job.notification_uuid,
      dueAt,
      attempt: true,
      destination: destinationOf(state.doc) ?? this.o.destination,
      rateLimit: rateLimitOf(state.doc),
      run: (release, admission) => this.attempt(job, message, source, release, admission),
    };
  }

  /** Decodes a job whose schema id is not cached: the registry is asked, and named by readiness while it does not answer. */
  private async fetchAndDecode(message: KafkaMessage) {
    try {
      const decoded = await this.o.codec.safeDecode(message.value, DELIVERY_JOB_SCHEMA);
      this.o.schemaRegistry?.succeeded();
      return decoded;
    } catch (err) {
      if (isInfrastructureFailure(err)) this.o.schemaRegistry?.failed(err as Error, () => this.o.codec.safeDecode(message.value, DELIVERY_JOB_SCHEMA));
      throw err;
    }
  }

  /**
   * The job's notification. Herald's own alerts (`job.alert`, e.g. "this notification was disabled")
   * name a notification that is disabled by design: they go out unless it was deleted.
   */
  private resolve(job: DeliveryJob): NotificationState | Promise<NotificationState> {
    if (!job.alert) return this.o.lookup.resolveKnown(job.notification_uuid) ?? this.step('look up notification', () => this.o.lookup.resolve(job.notification_uuid));
    return this.resolveAlert(job);
  }

  private async resolveAlert(job: DeliveryJob): Promise<NotificationState> {
    const doc = await this.step('look up notification', () => this.o.lookup.document(job.notification_uuid));
    return doc ? { state: 'active', doc } : { state: 'deleted' };
  }

  /**
   * The notification as stored now, for a job its known version's tag filter rejects entirely (an
   * edit crossed the job between the router and here): delivered with the stored version if that
   * one lets a tag through (the router was ahead of this process's view), else `filtered`.
   */
  private async current(job: DeliveryJob, known: NotificationDoc): Promise<NotificationState | { state: 'filtered' }> {
    this.o.lookup.invalidate(job.notification_uuid);
    const doc = await this.step('look up notification', () => this.o.lookup.document(job.notification_uuid));
    if (!doc) return { state: 'deleted' };
    if (doc.disabled) return { state: 'disabled', doc };
    if (doc.version !== known.version) this.o.logger.debug({ notificationUuid: job.notification_uuid, known: known.version, stored: doc.version }, 'notification read again for a job its tag filter rejected');
    return tagFilterRejects(job, doc) ? { state: 'filtered' } : { state: 'active', doc };
  }

  private now(key: string, run: () => Promise<void>): Task {
    return { key, dueAt: 0, attempt: false, run };
  }

  private async attempt(job: DeliveryJob, message: KafkaMessage, source: MessageSource, release: () => void, admission?: Admission): Promise<void> {
    // The job may have waited (retry topic, queue): the notification may be disabled or gone by now.
    const known = this.resolve(job);
    let state: NotificationState | { state: 'filtered' } = known instanceof Promise ? await known : known;
    if (state.state === 'active' && tagFilterRejects(job, state.doc)) state = await this.current(job, state.doc);
    if (state.state !== 'active') {
      release();
      admission?.settle('neutral');
      return this.drop(job, state);
    }
    const attempt = job.attempt + 1;
    const traced = this.traces ? startAttemptSpan(this.traces, job, message, source, attempt) : undefined;
    const t0 = performance.now();
    const cancel = new AttemptCancel(Date.now() + this.o.attemptTimeoutMs);
    this.attempts.add(cancel);
    const ins = this.o.inspections;
    const capture = ins ? new AttemptCapture(job, message.value, ins.limits, headerValue(message.headers, RESENT_FROM_HEADER) ?? null) : undefined;
    let error: unknown;
    let statusCode: number | undefined;
    try {
      if (this.o.stopSignal.aborted) throw new Abandoned(`attempt of ${job.delivery_id}`);
      ({ statusCode } = await this.o.sender.send({ job, notification: state.doc, cancel, attempt, trace: traced?.trace, capture }));
    } catch (err) {
      error = err ?? new Error('sender failed without an error');
    } finally {
      this.attempts.delete(cancel);
      release();
    }
    if (traced) endAttemptSpan(traced.span, error);
    const durationMs = performance.now() - t0;
    this.attemptSeconds.observe(durationMs / 1000);
    // The destination's circuit breaker hears what the attempt said of it (nothing when it was cut short by a stop).
    admission?.settle(this.o.stopSignal.aborted ? 'neutral' : attemptOutcomeOf(error));
    if (this.o.stopSignal.aborted) throw new Abandoned(`attempt of ${job.delivery_id}`);
    // MongoDB (or Kafka, the registry) failed inside the sender, not the endpoint: no outcome, no
    // retry level used, nothing counted towards disabling; the job is prepared and attempted again.
    if (error !== undefined && isInfrastructureFailure(error)) throw new InfrastructureFailure(`attempt of ${job.delivery_id}`, error);
    const inspected = capture ? { capture, secrets: secretsOf(state.doc) } : undefined;
    if (error === undefined) return this.succeeded(job, state.doc.number_of_failures, { outcome: 'success', attempt, durationMs, statusCode, inspected });
    return this.failed(job, message, source, error, attempt, durationMs, inspected);
  }

  private async succeeded(job: DeliveryJob, docFailures: number, f: ResultFields): Promise<void> {
    await this.step('publish result', () => this.o.out.send(TOPICS.deliveryResults, this.resultMessage(job, f)));
    // An alert's notification is the one it is about: its delivery says nothing of that endpoint.
    const known = job.alert ? 0 : Math.max(docFailures, this.o.lookup.subscription(job.notification_uuid)?.number_of_failures ?? 0);
    if (known > 0) {
      await this.step('record success', () => this.o.accounting.success(job.notification_uuid, known));
      this.o.lookup.invalidate(job.notification_uuid);
    }
    this.successes.inc();
    this.endToEndSeconds.observe(Math.max(0, Date.now() - job.created_at) / 1000);
    this.log(job, f);
  }

  private async failed(job: DeliveryJob, message: KafkaMessage, source: MessageSource, err: unknown, attempt: number, durationMs: number, inspected: ResultFields['inspected']): Promise<void> {
    const de = err instanceof DeliveryError ? err : undefined;
    const errorClass = errorClassOf(err);
    const errorMessage = describe(err);
    const base = { attempt, durationMs, statusCode: de?.statusCode, errorClass, errorMessage, inspected };
    if (isRetriable(err)) {
      const step = this.o.schedule.next(source.level, de?.retryAfterMs);
      if (step.kind === 'retry') {
        const dueAt = Date.now() + step.delayMs;
        const retry: OutgoingMessage = { key: job.notification_uuid, value: this.encode({ ...job, attempt }), headers: retryHeaders(dueAt, attempt, source, message) };
        const f: ResultFields = { ...base, outcome: 'retry' };
        await this.step('publish retry', () =>
          this.o.out.sendAll([
            { topic: TOPICS.retry(this.o.method, step.level), message: retry },
            { topic: TOPICS.deliveryResults, message: this.resultMessage(job, f) },
          ]),
        );
        this.count('retry', errorClass);
        this.o.logger.debug({ deliveryId: job.delivery_id, notificationUuid: job.notification_uuid, attempt, level: step.level, dueAt, errorClass }, 'delivery retry scheduled');
        this.log(job, f);
        return;
      }
      return this.deadLetter(job, message, source, 'retries_exhausted', { ...base, outcome: 'dead_letter', disable: de?.disable ?? false });
    }
    return this.deadLetter(job, message, source, 'permanent_failure', { ...base, outcome: 'dead_letter', disable: de?.disable ?? false });
  }

  private async deadLetter(job: DeliveryJob, message: KafkaMessage, source: MessageSource, reason: string, f: ResultFields): Promise<void> {
    const dlq: OutgoingMessage = {
      key: job.notification_uuid,
      value: this.encode({ ...job, attempt: f.attempt }),
      headers: dlqHeaders(reason, f.errorMessage ?? reason, f.attempt, source, message),
    };
    await this.step('publish dead letter', () =>
      this.o.out.sendAll([
        { topic: TOPICS.dlq(this.o.method), message: dlq },
        { topic: TOPICS.deliveryResults, message: this.resultMessage(job, f) },
      ]),
    );
    this.count('dead_letter', f.errorClass ?? '');
    this.o.metrics.deadLettered.inc({ method: this.o.method, reason });
    this.o.logger.info(
      { deliveryId: job.delivery_id, notificationUuid: job.notification_uuid, attempt: f.attempt, reason, errorClass: f.errorClass, statusCode: f.statusCode },
      'delivery dead-lettered',
    );
    if (job.alert) return;
    const summary = f.errorMessage ?? reason;
    await this.step('record failure', () => this.o.accounting.failure(job, summary, f.disable ?? false));
    // This process changed the notification: don't wait for the feed to echo it back.
    this.o.lookup.invalidate(job.notification_uuid);
    this.log(job, f);
  }

  /** Not attempted: the notification is deleted or disabled (SPEC §4), also for queued retries. */
  private async drop(job: DeliveryJob, state: Exclude<NotificationState, { state: 'active' }> | { state: 'filtered' }): Promise<void> {
    const message = state.state === 'filtered' ? 'the notification’s tag filter (edited since the job was routed) matches none of the event’s tags' : `notification ${state.state}`;
    const f: ResultFields = { outcome: 'dropped', attempt: job.attempt + 1, durationMs: 0, errorClass: state.state, errorMessage: message };
    await this.step('publish result', () => this.o.out.send(TOPICS.deliveryResults, this.resultMessage(job, f)));
    this.o.metrics.dropped.inc({ method: this.o.method, reason: state.state });
    this.o.logger.info({ deliveryId: job.delivery_id, notificationUuid: job.notification_uuid, reason: state.state }, 'job dropped');
    if (state.state === 'disabled' || state.state === 'filtered') this.log(job, f);
  }

  /** A message that is not a job of this method: kept on the dead-letter topic as it was, with the reason. */
  private async setAside(message: KafkaMessage, source: MessageSource, reason: string, error: string): Promise<void> {
    const copy: OutgoingMessage = { key: message.key, value: message.value, headers: { ...message.headers, ...dlqHeaders(reason, error, 0, source, message) } };
    await this.step('publish dead letter', () => this.o.out.send(TOPICS.dlq(this.o.method), copy));
    this.o.metrics.deadLettered.inc({ method: this.o.method, reason });
    this.o.logger.warn({ topic: source.topic, partition: source.partition, offset: message.offset, reason, error }, 'message set aside');
  }

  private encode(job: DeliveryJob): Buffer {
    return this.o.codec.encode(this.subject, job);
  }

  private resultMessage(job: DeliveryJob, f: ResultFields): OutgoingMessage {
    return { key: job.notification_uuid, value: this.o.codec.encode(SUBJECTS.deliveryResults, resultOf(job, f)) };
  }

  private log(job: DeliveryJob, f: ResultFields): void {
    // Alerts are not deliveries of the notification they name: its attempt log stays its own.
    if (job.alert) return;
    const time = new Date();
    if (f.outcome !== 'dropped') this.observe(job, f, time);
    this.o.attemptLog.record({
      notification_uuid: job.notification_uuid,
      delivery_id: job.delivery_id,
      attempt: f.attempt,
      time,
      outcome: f.outcome,
      status_code: f.statusCode ?? null,
      error: f.errorMessage ?? null,
      error_class: f.errorClass ?? null,
      duration_ms: Math.round(f.durationMs),
      kind: job.kind,
      test: job.test,
    });
  }

  /** An attempt's inspection record, health counts and per-notification metric. */
  private observe(job: DeliveryJob, f: ResultFields, time: Date): void {
    const outcome = f.outcome as 'success' | 'retry' | 'dead_letter';
    const durationMs = Math.round(f.durationMs);
    const statusCode = f.statusCode ?? null;
    const error = f.errorMessage ?? null;
    const errorClass = f.errorClass ?? null;
    this.o.health?.record(job.notification_uuid, time.getTime(), outcome, f.durationMs, { error_class: errorClass, status_code: statusCode, error });
    if (this.o.perNotificationMetrics) this.o.metrics.notificationAttempts.inc({ method: this.o.method, notification: job.notification_uuid, outcome });
    const ins = f.inspected;
    if (!ins || !this.o.inspections) return;
    const { request, response } = ins.capture.masked(ins.secrets);
    this.o.inspections.store.record(
      {
        notification_uuid: job.notification_uuid,
        delivery_id: job.delivery_id,
        attempt: f.attempt,
        time,
        outcome,
        duration_ms: durationMs,
        status_code: statusCode,
        error_class: errorClass,
        error,
        kind: job.kind,
        test: job.test,
        request,
        response,
        resent_from: ins.capture.resentFrom,
      },
      ins.capture.jobValue,
    );
  }
}
