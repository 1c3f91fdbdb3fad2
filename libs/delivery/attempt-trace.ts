import type { DeliveryJob } from '@herald/events';
import type { KafkaMessage } from '@herald/kafka';
import { ROOT_CONTEXT, SPAN_ATTRIBUTES as A, SpanKind, SpanStatusCode, trace, traceHeaders, type Context, type MessageTraces, type Span, type Tracer } from '@herald/observability';
import { maskWebhookUrl } from '@herald/subscriptions';
import { errorClassOf } from './delivery-error.js';
import type { MessageSource } from './job-messages.js';

/** An attempt's trace, handed to the sender when tracing is on: its requests are children of the attempt's span. */
export interface AttemptTrace {
  tracer: Tracer;
  /** The context holding the attempt's span; undefined when the attempt is not sampled (no span). */
  context: Context | undefined;
  /** An unsampled attempt's trace context (`traceparent`, `tracestate`), which each request passes on. */
  passOn: Readonly<Record<string, string>>;
}

/**
 * The trace of one attempt of a job: when sampled, a CONSUMER "process <topic>" span, child of the
 * trace context the job's headers carry (the router's span; a retried job keeps its headers, so each
 * attempt is a child of the same router span). An unsampled attempt has no span (MessageTraces).
 */
export function startAttemptSpan(traces: MessageTraces, job: DeliveryJob, message: KafkaMessage, source: MessageSource, attempt: number): { span: Span | undefined; trace: AttemptTrace } {
  const t = traces.begin(`process ${source.topic}`, SpanKind.CONSUMER, message.headers);
  const span = t.span;
  if (!span) {
    const passOn: Record<string, string> = {};
    for (const name in t.headers) {
      const v = t.headers[name] as Buffer | string;
      passOn[name] = typeof v === 'string' ? v : v.toString('latin1');
    }
    return { span, trace: { tracer: traces.tracer, context: undefined, passOn } };
  }
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
  return { span, trace: { tracer: traces.tracer, context: trace.setSpan(ROOT_CONTEXT, span), passOn: {} } };
}

/** Ends an attempt's span: `error.type` is the delivery error class (no message: it may name an endpoint). */
export function endAttemptSpan(span: Span | undefined, error: unknown): void {
  if (!span) return;
  if (error !== undefined) {
    span.setAttribute(A.errorType, errorClassOf(error));
    span.setStatus({ code: SpanStatusCode.ERROR });
  }
  span.end();
}

/**
 * An HTTP CLIENT span around one request of a sampled attempt, its W3C trace context added to
 * `headers` (the receiver sees it as `traceparent`); an unsampled attempt's request carries the
 * attempt's unsampled trace context, without a span. `url.full` is masked as the API shows URLs
 * (credentials, query values and token-like path segments).
 */
export async function tracedRequest<T extends { statusCode: number }>(
  t: AttemptTrace,
  method: string,
  url: string,
  headers: Record<string, string>,
  send: () => Promise<T>,
): Promise<T> {
  if (!t.context) {
    Object.assign(headers, t.passOn);
    return send();
  }
  const target = new URL(url);
  const span = t.tracer.startSpan(method, { kind: SpanKind.CLIENT }, t.context);
  span.setAttributes({
    [A.httpRequestMethod]: method,
    [A.urlFull]: maskWebhookUrl(url),
    [A.serverAddress]: target.hostname,
    [A.serverPort]: Number(target.port || (target.protocol === 'https:' ? 443 : 80)),
  });
  Object.assign(headers, traceHeaders(span));
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
