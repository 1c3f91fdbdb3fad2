import { REPOSITORY_EVENT_SCHEMA, SUBJECTS, type DeliveryJob, type SchemaRegistryCodec } from '@herald/events';
import { HEADERS, TOPICS, type DeliveryMethod, type IHeaders, type KafkaMessage, type Message, type TopicMessages } from '@herald/kafka';
import { routeEvent, type SubscriptionLookup } from './route-event.js';

/** The router's counters that routeBatch updates (its Prometheus metrics). */
export interface RouteBatchMetrics {
  eventsIn: { inc(n?: number): void };
  jobsOut: { inc(labels: { method: DeliveryMethod }, n?: number): void };
  filtered: { inc(n?: number): void };
  skippedDisabled: { inc(n?: number): void };
  deadLettered: { inc(labels: { reason: string }): void };
}

/**
 * Routes one consumed batch: every decodable event becomes its delivery jobs (one topic per method,
 * keyed by notification uuid); every undecodable one goes to the dead-letter topic with the reason.
 */
export async function routeBatch(
  messages: KafkaMessage[],
  source: { topic: string; partition: number },
  deps: { codec: SchemaRegistryCodec; view: SubscriptionLookup; metrics: RouteBatchMetrics },
): Promise<TopicMessages[]> {
  const { codec, view, metrics } = deps;
  const byTopic = new Map<string, Message[]>();
  const add = (topic: string, m: Message) => {
    let list = byTopic.get(topic);
    if (!list) byTopic.set(topic, (list = []));
    list.push(m);
  };
  const now = Date.now();
  for (const m of messages) {
    metrics.eventsIn.inc();
    const decoded = await codec.safeDecode(m.value, REPOSITORY_EVENT_SCHEMA);
    if (!decoded.ok) {
      metrics.deadLettered.inc({ reason: decoded.error.code });
      add(TOPICS.repositoryEventsDlq, { key: m.key, value: m.value, headers: dlqHeaders(m, source, decoded.error) });
      continue;
    }
    const out = routeEvent(decoded.value, view, now);
    metrics.filtered.inc(out.filtered);
    metrics.skippedDisabled.inc(out.disabled);
    // The jobs of one event share it: per method, the event is encoded once for all of them.
    const byMethod = new Map<DeliveryMethod, DeliveryJob[]>();
    for (const job of out.jobs) {
      const list = byMethod.get(job.method);
      if (list) list.push(job);
      else byMethod.set(job.method, [job]);
    }
    for (const [method, jobs] of byMethod) {
      metrics.jobsOut.inc({ method }, jobs.length);
      const subject = SUBJECTS.jobs(method);
      // The event's own bytes when its writer schema is the jobs' event type: not encoded again.
      const values = codec.encodeSharing(subject, jobs, 'event', codec.fieldBytes(m.value, subject, 'event'));
      jobs.forEach((job, i) => add(TOPICS.jobs(method), { key: job.notification_uuid, value: values[i] as Buffer }));
    }
  }
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
