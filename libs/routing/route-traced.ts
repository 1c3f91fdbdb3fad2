import type { IHeaders, KafkaMessage, Message, TopicMessages } from '@herald/kafka';
import { contextFromHeaders, SPAN_ATTRIBUTES as A, SpanKind, SpanStatusCode, traceHeaders, type Tracer } from '@herald/observability';

/**
 * Routing with tracing on: each event is routed in a CONSUMER "process repository-events" span,
 * child of the trace context its headers carry (the publisher's), and every job it becomes carries
 * that span's context in its headers (the delivery services continue from there). Events are routed
 * one at a time through `route` (routeBatch without a tracer) so the jobs of each are known; the
 * topics' message lists are merged back in order.
 */
export async function routeTraced(
  messages: KafkaMessage[],
  source: { topic: string; partition: number },
  tracer: Tracer,
  route: (one: KafkaMessage[]) => Promise<TopicMessages[]>,
): Promise<TopicMessages[]> {
  const byTopic = new Map<string, Message[]>();
  const name = `process ${source.topic}`;
  for (const m of messages) {
    const parent = contextFromHeaders(m.headers);
    const span = tracer.startSpan(name, { kind: SpanKind.CONSUMER }, parent);
    // Most events are not sampled: their spans record nothing, so build attributes only for the others.
    const recording = span.isRecording();
    if (recording) {
      span.setAttributes({
        [A.messagingSystem]: 'kafka',
        [A.messagingOperationType]: 'process',
        [A.messagingOperationName]: 'process',
        [A.messagingDestination]: source.topic,
        [A.messagingPartition]: String(source.partition),
        [A.messagingKafkaOffset]: Number(m.offset),
        ...(m.key ? { [A.messagingKafkaKey]: m.key.toString() } : {}),
      });
    }
    let routed: TopicMessages[];
    try {
      routed = await route([m]);
    } catch (err) {
      span.setStatus({ code: SpanStatusCode.ERROR, message: err instanceof Error ? err.message : String(err) });
      span.setAttribute(A.errorType, (err as { code?: string }).code ?? (err instanceof Error ? err.name : 'Error'));
      span.end();
      throw err;
    }
    const headers = traceHeaders(span) as IHeaders;
    let jobs = 0;
    for (const { topic, messages: out } of routed) {
      let list = byTopic.get(topic);
      if (!list) byTopic.set(topic, (list = []));
      for (const job of out) {
        // A dead-lettered event keeps its own headers (and so its trace context) as they were.
        if (job.headers === undefined) {
          job.headers = headers;
          jobs++;
        }
        list.push(job);
      }
    }
    if (recording) span.setAttribute('herald.jobs', jobs);
    span.end();
  }
  return [...byTopic].map(([topic, list]) => ({ topic, messages: list }));
}
