import { propagation, ROOT_CONTEXT, type Context, type Span, type TextMapGetter } from '@opentelemetry/api';

/** Message headers as Kafka clients hand them over (values as strings or bytes). */
export type MessageHeaders = Record<string, string | Buffer | (string | Buffer)[] | undefined>;

const headerGetter: TextMapGetter<MessageHeaders> = {
  keys: (carrier) => Object.keys(carrier),
  get(carrier, key) {
    const v = carrier[key];
    if (v === undefined) return undefined;
    return Array.isArray(v) ? v.map(String) : String(v);
  },
};

/**
 * The trace context a message carries (W3C `traceparent`/`tracestate` headers); the root context
 * when it carries none. Meant for code that runs only with tracing on (see activeTracer).
 */
export function contextFromHeaders(headers: MessageHeaders | undefined): Context {
  return headers ? propagation.extract(ROOT_CONTEXT, headers, headerGetter) : ROOT_CONTEXT;
}

/**
 * The W3C trace context headers of `span` (`traceparent`, and `tracestate` when it has one), to put
 * on a message or request. Written directly from the span's context (what the W3C propagator
 * writes), without a context object per call: the router does this for every event.
 */
export function traceHeaders(span: Span): Record<string, string> {
  const c = span.spanContext();
  const traceparent = `00-${c.traceId}-${c.spanId}-0${(c.traceFlags & 1).toString()}`;
  const state = c.traceState?.serialize();
  return state ? { traceparent, tracestate: state } : { traceparent };
}

/** The header names W3C trace context uses, for code that carries them over unchanged (retries). */
export const TRACE_HEADERS = ['traceparent', 'tracestate'] as const;

/**
 * Attribute names of the OpenTelemetry semantic conventions (1.45) Herald's spans use, in one
 * place. The messaging ones are still "development" status, so the constants package recommends
 * copying them rather than importing its incubating entry.
 */
export const SPAN_ATTRIBUTES = {
  messagingSystem: 'messaging.system',
  messagingOperationType: 'messaging.operation.type',
  messagingOperationName: 'messaging.operation.name',
  messagingDestination: 'messaging.destination.name',
  messagingPartition: 'messaging.destination.partition.id',
  messagingConsumerGroup: 'messaging.consumer.group.name',
  messagingMessageId: 'messaging.message.id',
  messagingKafkaKey: 'messaging.kafka.message.key',
  messagingKafkaOffset: 'messaging.kafka.offset',
  httpRequestMethod: 'http.request.method',
  httpResponseStatusCode: 'http.response.status_code',
  urlFull: 'url.full',
  serverAddress: 'server.address',
  serverPort: 'server.port',
  errorType: 'error.type',
} as const;
