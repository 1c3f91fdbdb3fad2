import type { RepositoryEvent } from '@herald/events';
import type { Message } from '@herald/kafka';
import { context, SPAN_ATTRIBUTES as A, SpanKind, SpanStatusCode, traceHeaders, type Span, type Tracer } from '@herald/observability';

/**
 * One PRODUCER span per event ("send repository-events"), child of the caller's active context (a
 * new trace when there is none), and its W3C trace context in the message's headers: the router
 * continues the trace from there.
 */
export function startSendSpans(tracer: Tracer, topic: string, events: readonly RepositoryEvent[], messages: Message[]): Span[] {
  const parent = context.active();
  return events.map((event, i) => {
    const span = tracer.startSpan(
      `send ${topic}`,
      {
        kind: SpanKind.PRODUCER,
        attributes: {
          [A.messagingSystem]: 'kafka',
          [A.messagingOperationType]: 'send',
          [A.messagingOperationName]: 'send',
          [A.messagingDestination]: topic,
          [A.messagingMessageId]: event.event_id,
          [A.messagingKafkaKey]: event.repository,
        },
      },
      parent,
    );
    const m = messages[i];
    if (m) m.headers = { ...m.headers, ...traceHeaders(span) };
    return span;
  });
}

/** Ends the send spans: where each event landed, or the error that failed the batch. */
export function endSendSpans(spans: readonly Span[], placed: readonly { partition: number; offset: string }[] | Error): void {
  spans.forEach((span, i) => {
    if (placed instanceof Error) {
      span.setAttribute(A.errorType, (placed as { code?: string }).code ?? placed.name);
      span.setStatus({ code: SpanStatusCode.ERROR, message: placed.message });
    } else {
      const p = placed[i];
      if (p && p.partition >= 0) span.setAttributes({ [A.messagingPartition]: String(p.partition), [A.messagingKafkaOffset]: Number(p.offset) });
    }
    span.end();
  });
}
