import type { DeliveryJob } from '@herald/events';
import type { KafkaMessage } from '@herald/kafka';
import { contextFromHeaders, SPAN_ATTRIBUTES as A, SpanKind, SpanStatusCode, trace, traceHeaders, type Context, type Span, type Tracer } from '@herald/observability';
import { maskWebhookUrl } from '@herald/subscriptions';
import { errorClassOf } from './delivery-error.js';
import type { MessageSource } from './job-messages.js';

/** An attempt's trace, handed to the sender when tracing is on: its requests are children of the attempt's span. */
export interface AttemptTrace {
  tracer: Tracer;
  /** The context holding the attempt's span. */
  context: Context;
}

/**
 * A CONSUMER "process <topic>" span for one attempt of a job, child of the trace context the job's
 * headers carry (the router's span; a retried job keeps its headers, so each attempt is a child of
 * the same router span).
 */
export function startAttemptSpan(tracer: Tracer, job: DeliveryJob, message: KafkaMessage, source: MessageSource, attempt: number): { span: Span; trace: AttemptTrace } {
  const parent = contextFromHeaders(message.headers);
  const span = tracer.startSpan(`process ${source.topic}`, { kind: SpanKind.CONSUMER }, parent);
  // Attributes only for spans that record (at 10 % sampling, 9 attempts in 10 do not).
  if (span.isRecording()) {
    span.setAttributes({
      [A.messagingSystem]: 'kafka',
      [A.messagingOperationType]: 'process',
      [A.messagingOperationName]: 'process',
      [A.messagingDestination]: source.topic,
      [A.messagingPartition]: String(source.partition),
      [A.messagingKafkaOffset]: Number(message.offset),
      [A.messagingKafkaKey]: job.notification_uuid,
      [A.messagingMessageId]: job.delivery_id,
      'herald.delivery.method': job.method,
      'herald.delivery.attempt': attempt,
      'herald.event.id': job.event.event_id,
    });
  }
  return { span, trace: { tracer, context: trace.setSpan(parent, span) } };
}

/** Ends an attempt's span: `error.type` is the delivery error class (no message: it may name an endpoint). */
export function endAttemptSpan(span: Span, error: unknown): void {
  if (error !== undefined && span.isRecording()) {
    span.setAttribute(A.errorType, errorClassOf(error));
    span.setStatus({ code: SpanStatusCode.ERROR });
  }
  span.end();
}

/**
 * An HTTP CLIENT span around one request of an attempt, its W3C trace context added to `headers`
 * (the receiver sees it as `traceparent`). `url.full` is masked as the API shows URLs (credentials,
 * query values and token-like path segments).
 */
export async function tracedRequest<T extends { statusCode: number }>(
  t: AttemptTrace,
  method: string,
  url: string,
  headers: Record<string, string>,
  send: () => Promise<T>,
): Promise<T> {
  const span = t.tracer.startSpan(method, { kind: SpanKind.CLIENT }, t.context);
  const recording = span.isRecording();
  if (recording) {
    const target = new URL(url);
    span.setAttributes({
      [A.httpRequestMethod]: method,
      [A.urlFull]: maskWebhookUrl(url),
      [A.serverAddress]: target.hostname,
      [A.serverPort]: Number(target.port || (target.protocol === 'https:' ? 443 : 80)),
    });
  }
  Object.assign(headers, traceHeaders(span));
  if (!recording) {
    try {
      return await send();
    } finally {
      span.end();
    }
  }
  try {
    const res = await send();
    span.setAttribute(A.httpResponseStatusCode, res.statusCode);
    if (res.statusCode >= 400) {
      span.setAttribute(A.errorType, String(res.statusCode));
      span.setStatus({ code: SpanStatusCode.ERROR });
    }
    return res;
  } catch (err) {
    span.setAttribute(A.errorType, errorClassOf(err));
    span.setStatus({ code: SpanStatusCode.ERROR });
    throw err;
  } finally {
    span.end();
  }
}
