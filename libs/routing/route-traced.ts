import type { IHeaders, KafkaMessage } from '@herald/kafka';
import { SPAN_ATTRIBUTES as A, SpanKind, SpanStatusCode, type MessageTraces, type Span } from '@herald/observability';

/**
 * One event's trace, with tracing on: a CONSUMER "process repository-events" span, child of the
 * trace context the event's headers carry (the publisher's), when the event is sampled; `headers`
 * is the trace context of every job the event becomes (the delivery services continue from there),
 * one object shared by them. An unsampled event gets no span, and its jobs an unsampled context
 * (MessageTraces). routeBatch starts one per event in its loop and ends it when the event's jobs
 * are made.
 */
export class EventSpan {
  readonly headers: IHeaders;
  readonly #span: Span | undefined;

  constructor(traces: MessageTraces, m: KafkaMessage, source: { topic: string; partition: number }) {
    const t = traces.begin(`process ${source.topic}`, SpanKind.CONSUMER, m.headers);
    this.headers = t.headers as IHeaders;
    this.#span = t.span;
    this.#span?.setAttributes({
      [A.messagingSystem]: 'kafka',
      [A.messagingOperationType]: 'process',
      [A.messagingOperationName]: 'process',
      [A.messagingDestination]: source.topic,
      [A.messagingPartition]: String(source.partition),
      [A.messagingKafkaOffset]: Number(m.offset),
      ...(m.key ? { [A.messagingKafkaKey]: m.key.toString() } : {}),
    });
  }

  end(jobs: number): void {
    if (!this.#span) return;
    this.#span.setAttribute('herald.jobs', jobs);
    this.#span.end();
  }

  fail(err: unknown): void {
    if (!this.#span) return;
    this.#span.setStatus({ code: SpanStatusCode.ERROR, message: err instanceof Error ? err.message : String(err) });
    this.#span.setAttribute(A.errorType, (err as { code?: string }).code ?? (err instanceof Error ? err.name : 'Error'));
    this.#span.end();
  }
}
