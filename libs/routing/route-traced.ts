import type { IHeaders, KafkaMessage } from '@herald/kafka';
import { contextFromHeaders, SPAN_ATTRIBUTES as A, SpanKind, SpanStatusCode, traceHeaders, type Span, type Tracer } from '@herald/observability';

/**
 * One event's span, with tracing on: a CONSUMER "process repository-events" span, child of the
 * trace context the event's headers carry (the publisher's); `headers` is that span's context for
 * every job the event becomes (the delivery services continue from there). routeBatch starts one
 * per event in its loop and ends it when the event's jobs are made.
 */
export class EventSpan {
  readonly headers: IHeaders;
  readonly #span: Span;
  readonly #recording: boolean;

  constructor(tracer: Tracer, m: KafkaMessage, source: { topic: string; partition: number }) {
    this.#span = tracer.startSpan(`process ${source.topic}`, { kind: SpanKind.CONSUMER }, contextFromHeaders(m.headers));
    // Most events are not sampled: their spans record nothing, so build attributes only for the others.
    this.#recording = this.#span.isRecording();
    if (this.#recording) {
      this.#span.setAttributes({
        [A.messagingSystem]: 'kafka',
        [A.messagingOperationType]: 'process',
        [A.messagingOperationName]: 'process',
        [A.messagingDestination]: source.topic,
        [A.messagingPartition]: String(source.partition),
        [A.messagingKafkaOffset]: Number(m.offset),
        ...(m.key ? { [A.messagingKafkaKey]: m.key.toString() } : {}),
      });
    }
    this.headers = traceHeaders(this.#span) as IHeaders;
  }

  end(jobs: number): void {
    if (this.#recording) this.#span.setAttribute('herald.jobs', jobs);
    this.#span.end();
  }

  fail(err: unknown): void {
    this.#span.setStatus({ code: SpanStatusCode.ERROR, message: err instanceof Error ? err.message : String(err) });
    this.#span.setAttribute(A.errorType, (err as { code?: string }).code ?? (err instanceof Error ? err.name : 'Error'));
    this.#span.end();
  }
}
