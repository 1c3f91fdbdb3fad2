import type { DeliveryJob, DeliveryOutcome, DeliveryResult } from '@herald/events';
import { HEADERS, type IHeaders, type KafkaMessage } from '@herald/kafka';
import { TRACE_HEADERS } from '@herald/observability';
import type { AttemptCapture } from './inspection.js';

/** Where a consumed message came from; `level` 0 is the job topic, n the n-th retry topic. */
export interface MessageSource {
  topic: string;
  partition: number;
  level: number;
}

export function headerValue(headers: IHeaders | undefined, name: string): string | undefined {
  const v = headers?.[name];
  const first = Array.isArray(v) ? v[0] : v;
  return first === undefined ? undefined : first.toString();
}

/** The due time of a retry message: its header, or its timestamp plus its level's delay. */
export function dueAtOf(message: KafkaMessage, fallbackDelayMs: number): number {
  const header = Number(headerValue(message.headers, HEADERS.dueAt));
  return Number.isFinite(header) && header > 0 ? header : Number(message.timestamp) + fallbackDelayMs;
}

function sourceHeaders(source: MessageSource, message: KafkaMessage): IHeaders {
  return { [HEADERS.sourceTopic]: source.topic, [HEADERS.sourcePartition]: String(source.partition), [HEADERS.sourceOffset]: message.offset };
}

/**
 * A retried job's headers: its due time and attempt, where it came from, and the trace context it
 * carried (W3C `traceparent`/`tracestate`, whether or not this process traces), so every attempt
 * stays in the event's trace.
 */
export function retryHeaders(dueAt: number, attempt: number, source: MessageSource, message: KafkaMessage): IHeaders {
  return { ...traceContextOf(message), [HEADERS.dueAt]: String(dueAt), [HEADERS.attempt]: String(attempt), ...sourceHeaders(source, message) };
}

function traceContextOf(message: KafkaMessage): IHeaders {
  const out: IHeaders = {};
  for (const name of TRACE_HEADERS) {
    const v = message.headers?.[name];
    if (v !== undefined) out[name] = v;
  }
  return out;
}

/** Dead-letter headers: why (`retries_exhausted`, `permanent_failure`, `undecodable`…) and the last error. */
export function dlqHeaders(reason: string, error: string, attempt: number, source: MessageSource, message: KafkaMessage): IHeaders {
  return {
    ...traceContextOf(message),
    [HEADERS.dlqReason]: reason,
    [HEADERS.dlqError]: error.slice(0, 1000),
    [HEADERS.attempt]: String(attempt),
    ...sourceHeaders(source, message),
  };
}

export interface ResultFields {
  outcome: DeliveryOutcome;
  attempt: number;
  durationMs: number;
  statusCode?: number | undefined;
  errorClass?: string | undefined;
  errorMessage?: string | undefined;
  disable?: boolean;
  /** What the sender captured of the attempt (inspection on), with the notification's secrets to scrub. */
  inspected?: { capture: AttemptCapture; secrets: string[] } | undefined;
}

/** The result record of one attempt (or drop) of a job. */
export function resultOf(job: DeliveryJob, f: ResultFields, now = Date.now()): DeliveryResult {
  return {
    delivery_id: job.delivery_id,
    notification_uuid: job.notification_uuid,
    method: job.method,
    attempt: f.attempt,
    outcome: f.outcome,
    ...(f.statusCode !== undefined && f.statusCode >= 100 && f.statusCode <= 599 ? { status_code: f.statusCode } : {}),
    duration_ms: Math.max(0, Math.round(f.durationMs)),
    ...(f.errorClass ? { error_class: f.errorClass } : {}),
    ...(f.errorMessage ? { error_message: f.errorMessage.slice(0, 1000) } : {}),
    occurred_at: now,
    disable: f.disable ?? false,
    event_id: job.event.event_id,
    kind: job.kind,
  };
}
