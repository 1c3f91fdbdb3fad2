import {
  createDeliveryJob,
  EVENT_HEAD,
  eventHead,
  jobFieldsAround,
  REPOSITORY_EVENT_SCHEMA,
  SUBJECTS,
  type EventHead,
  type RepositoryEvent,
  type SchemaRegistryCodec,
} from '@herald/events';
import { DELIVERY_METHODS, HEADERS, TOPICS, type DeliveryMethod, type IHeaders, type KafkaMessage, type Message, type TopicMessages } from '@herald/kafka';
import type { MessageTraces } from '@herald/observability';
import { routeEvent, type SubscriptionLookup } from './route-event.js';
import { EventSpan } from './route-traced.js';

/** The router's counters that routeBatch updates (its Prometheus metrics). */
export interface RouteBatchMetrics {
  eventsIn: { inc(n?: number): void };
  jobsOut: { inc(labels: { method: DeliveryMethod }, n?: number): void };
  filtered: { inc(n?: number): void };
  skippedDisabled: { inc(n?: number): void };
  deadLettered: { inc(labels: { reason: string }): void };
}

/** Each method's job subject and topic, made once rather than as new strings for every job. */
const JOB_SUBJECTS = new Map<string, string>(DELIVERY_METHODS.map((m) => [m, SUBJECTS.jobs(m)]));
const JOB_TOPICS = new Map<string, string>(DELIVERY_METHODS.map((m) => [m, TOPICS.jobs(m)]));

/**
 * Routes one consumed batch: every decodable event becomes its delivery jobs (one topic per method,
 * keyed by notification uuid); every undecodable one goes to the dead-letter topic with the reason.
 *
 * An event is read only as far as routing needs (its head: id, kind, repository, filter facts) and
 * its bytes become the jobs' `event` as they stand, when its writer schema is the jobs' event type
 * (the usual case). An event written with another schema version is read in full and its jobs are
 * encoded whole; so is one whose head cannot be read, which then shows why on the dead-letter topic.
 * With `traces` (tracing on) each event gets a trace (a span when sampled) and its jobs that trace's
 * context (EventSpan); a dead-lettered event keeps its own headers.
 */
export async function routeBatch(
  messages: KafkaMessage[],
  source: { topic: string; partition: number },
  deps: { codec: SchemaRegistryCodec; view: SubscriptionLookup; metrics: RouteBatchMetrics; traces?: MessageTraces | undefined },
): Promise<TopicMessages[]> {
  const { codec, view, metrics, traces } = deps;
  const byTopic = new Map<string, Message[]>();
  const add = (topic: string, m: Message) => {
    let list = byTopic.get(topic);
    if (!list) byTopic.set(topic, (list = []));
    list.push(m);
  };
  const jobsByMethod = new Map<DeliveryMethod, number>();
  let filtered = 0;
  let disabled = 0;
  const now = Date.now();
  metrics.eventsIn.inc(messages.length);
  for (const m of messages) {
    const span = traces ? new EventSpan(traces, m, source) : undefined;
    try {
      const projected = codec.decodeProjection(m.value, EVENT_HEAD);
      let head: EventHead;
      let event: RepositoryEvent | undefined;
      if (projected?.ok) head = projected.value;
      else {
        // A schema id not fetched yet, or a head that cannot be read: the whole decode fetches the
        // schema or names what is wrong.
        const decoded = await codec.safeDecode(m.value, REPOSITORY_EVENT_SCHEMA);
        if (!decoded.ok) {
          metrics.deadLettered.inc({ reason: decoded.error.code });
          add(TOPICS.repositoryEventsDlq, { key: m.key, value: m.value, headers: dlqHeaders(m, source, decoded.error) });
          span?.end(0);
          continue;
        }
        event = decoded.value;
        head = eventHead(event);
      }
      const out = routeEvent(head, view);
      filtered += out.filtered;
      disabled += out.disabled;
      // The event's own bytes when its writer schema is the jobs' event type: looked up once per
      // subject for the event's jobs (the methods' subjects share the job schema).
      let bytesSubject: string | undefined;
      let eventBytes: Buffer | undefined;
      for (const sub of out.matched) {
        const subject = JOB_SUBJECTS.get(sub.method) ?? SUBJECTS.jobs(sub.method);
        if (subject !== bytesSubject) {
          eventBytes = codec.fieldBytes(m.value, subject, 'event');
          bytesSubject = subject;
        }
        let value: Buffer;
        if (eventBytes) value = codec.encodeAround(subject, 'event', jobFieldsAround(head, sub.uuid, sub.method, now), eventBytes);
        else {
          event ??= await codec.decode(m.value, REPOSITORY_EVENT_SCHEMA);
          value = codec.encode(subject, createDeliveryJob({ event, notificationUuid: sub.uuid, method: sub.method, now }));
        }
        add(JOB_TOPICS.get(sub.method) ?? TOPICS.jobs(sub.method), span ? { key: sub.uuid, value, headers: span.headers } : { key: sub.uuid, value });
        jobsByMethod.set(sub.method, (jobsByMethod.get(sub.method) ?? 0) + 1);
      }
      span?.end(out.matched.length);
    } catch (err) {
      span?.fail(err);
      throw err;
    }
  }
  if (filtered > 0) metrics.filtered.inc(filtered);
  if (disabled > 0) metrics.skippedDisabled.inc(disabled);
  for (const [method, n] of jobsByMethod) metrics.jobsOut.inc({ method }, n);
  return [...byTopic].map(([topic, list]) => ({ topic, messages: list }));
}

function dlqHeaders(m: KafkaMessage, source: { topic: string; partition: number }, error: { code: string; message: string }): IHeaders {
  return {
    ...m.headers,
    [HEADERS.dlqReason]: error.code,
    [HEADERS.dlqError]: error.message.slice(0, 1000),
    [HEADERS.sourceTopic]: source.topic,
    [HEADERS.sourcePartition]: String(source.partition),
    [HEADERS.sourceOffset]: m.offset,
  };
}
