import { HeraldError } from '@herald/errors';
import {
  SCHEMAS,
  SUBJECTS,
  SchemaRegistryCodec,
  type RepositoryEvent,
  type RepositoryEventInput,
} from '@herald/events';
import { TOPICS, ensureTopics, partitionForKey, topicSpecs, type Kafka, type Message, type Producer } from '@herald/kafka';
import type { Logger } from '@herald/logger';
import { activeTracer, type Tracer } from '@herald/observability';
import { prepareEvents } from './prepare-events.js';
import { endSendSpans, startSendSpans } from './publish-trace.js';

export interface EventPublisherOptions {
  kafka: Kafka;
  /** Confluent-compatible schema registry, e.g. `http://127.0.0.1:8081/apis/ccompat/v7`. */
  registryUrl: string;
  logger?: Logger;
  /** Create the `repository-events` topic on connect when it is missing (default false). */
  ensureTopic?: boolean;
  /** Events per produce request (default 500). */
  batchSize?: number;
  /** Share a codec (and its schema cache) with other components. */
  codec?: SchemaRegistryCodec;
  /** Traces each event and puts its trace context in the headers; default: the process's (activeTracer at connect). */
  tracer?: Tracer;
}

/** Where a published event landed. */
export interface PublishedEvent {
  event: RepositoryEvent;
  topic: string;
  partition: number;
  /** Kafka offsets are 64-bit: a decimal string. */
  offset: string;
}

export interface EventPublisher {
  /** Connects the idempotent producer and registers the event schema (BACKWARD). */
  connect(): Promise<void>;
  /**
   * Validates (ValidationError naming the field), fills `event_id` and `occurred_at` when absent,
   * and publishes keyed by repository. A batch is validated whole before anything is sent.
   */
  publish(event: RepositoryEventInput | RepositoryEvent): Promise<PublishedEvent>;
  publish(events: readonly (RepositoryEventInput | RepositoryEvent)[]): Promise<PublishedEvent[]>;
  /** Flushes and disconnects; safe to call twice. */
  disconnect(): Promise<void>;
}

type ProducerConfig = NonNullable<Parameters<Kafka['producer']>[0]>;

/** Creates the registry side's event publisher. Constructing does not connect. */
export function createEventPublisher(opts: EventPublisherOptions): EventPublisher {
  const codec = opts.codec ?? new SchemaRegistryCodec({ url: opts.registryUrl, clientId: 'herald-producer' });
  const log = opts.logger?.child({ component: 'event-publisher' });
  const batchSize = opts.batchSize ?? 500;
  const topic = TOPICS.repositoryEvents;
  // The partitioner records each message's partition; kafkajs only reports a base offset per partition.
  const partitionOf = new WeakMap<object, number>();
  const createPartitioner: ProducerConfig['createPartitioner'] = () => ({ partitionMetadata, message }) => {
    const partition = partitionForKey(message.key ?? '', partitionMetadata.length);
    partitionOf.set(message, partition);
    return partition;
  };
  let producer: Producer | undefined;
  let tracer: Tracer | undefined;

  async function connect(): Promise<void> {
    if (producer) return;
    tracer = opts.tracer ?? activeTracer();
    if (opts.ensureTopic) await ensureTopics(opts.kafka, topicSpecs().filter((s) => s.name === topic));
    const p = opts.kafka.producer({ idempotent: true, maxInFlightRequests: 1, allowAutoTopicCreation: false, createPartitioner });
    await p.connect();
    try {
      await codec.register(SUBJECTS.repositoryEvents, SCHEMAS.repositoryEvent);
    } catch (err) {
      await p.disconnect();
      throw err;
    }
    producer = p;
    log?.info({ topic, schemaId: codec.schemaId(SUBJECTS.repositoryEvents) }, 'event publisher connected');
  }

  async function send(events: RepositoryEvent[]): Promise<PublishedEvent[]> {
    if (!producer) throw new HeraldError('PUBLISHER_NOT_CONNECTED', 'call connect() before publish()');
    const out: PublishedEvent[] = [];
    for (let start = 0; start < events.length; start += batchSize) {
      const chunk = events.slice(start, start + batchSize);
      const messages: Message[] = chunk.map((e) => ({ key: e.repository, value: codec.encode(SUBJECTS.repositoryEvents, e) }));
      const spans = tracer ? startSendSpans(tracer, topic, chunk, messages) : undefined;
      const placed = spans ? out.length : 0;
      let metadata: Awaited<ReturnType<Producer['send']>>;
      try {
        metadata = await producer.send({ topic, messages, acks: -1 });
      } catch (err) {
        if (spans) endSendSpans(spans, err instanceof Error ? err : new Error(String(err)));
        throw err;
      }
      const next = new Map(metadata.map((m) => [m.partition, BigInt(m.baseOffset ?? '-1')]));
      chunk.forEach((event, i) => {
        const partition = partitionOf.get(messages[i] as object) ?? -1;
        const offset = next.get(partition) ?? -1n;
        // Messages of one partition are appended in order, from the reported base offset.
        if (offset >= 0n) next.set(partition, offset + 1n);
        out.push({ event, topic, partition, offset: offset.toString() });
      });
      if (spans) endSendSpans(spans, out.slice(placed));
      log?.debug({ topic, count: chunk.length }, 'events published');
    }
    return out;
  }

  async function publish(input: unknown): Promise<PublishedEvent | PublishedEvent[]> {
    const many = Array.isArray(input);
    const published = await send(prepareEvents(many ? input : [input], {}, many));
    return many ? published : (published[0] as PublishedEvent);
  }

  async function disconnect(): Promise<void> {
    const p = producer;
    producer = undefined;
    if (p) await p.disconnect();
  }

  return { connect, publish: publish as EventPublisher['publish'], disconnect };
}
