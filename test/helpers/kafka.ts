import { randomUUID } from 'node:crypto';
import { stackAddresses } from '@herald/config';
import { createKafka, type Consumer, type Kafka, type KafkaMessage } from '@herald/kafka';

/** The local stack's brokers (on KAFKA_PORT) unless KAFKA_BROKERS says otherwise, as for the services. */
export const TEST_KAFKA_BROKERS = stackAddresses().kafkaBrokers;
/** The local stack's schema registry (Confluent-compatible API, on REGISTRY_PORT) unless SCHEMA_REGISTRY_URL says otherwise. */
export const TEST_SCHEMA_REGISTRY_URL = stackAddresses().schemaRegistryUrl;

export function testKafka(clientId = 'herald-test'): Kafka {
  return createKafka({ brokers: TEST_KAFKA_BROKERS, clientId });
}

/**
 * Per partition of `topic`, the offset of the first message written at or after `since` (epoch ms),
 * or the end when there is none yet. A reader that seeks there (after `consumer.run`) reads this
 * run's messages only: the local stack keeps its topics between runs, and reading a shared topic
 * from the beginning gets slower with every run.
 */
export async function offsetsSince(kafka: Kafka, topic: string, since: number): Promise<{ partition: number; offset: string }[]> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    return await admin.fetchTopicOffsetsByTimestamp(topic, since);
  } finally {
    await admin.disconnect();
  }
}

/**
 * Reads `topic` with a throwaway consumer group from the first message written at or after `since`
 * (see offsetsSince), keeping what `keep` returns for each message (undefined = skip), until
 * `done(kept)` holds; throws after `timeoutMs`.
 */
export async function readSince<T>(
  kafka: Kafka,
  topic: string,
  since: number,
  keep: (m: KafkaMessage, partition: number) => Promise<T | undefined> | T | undefined,
  done: (kept: T[]) => boolean,
  timeoutMs = 30_000,
): Promise<T[]> {
  const kept: T[] = [];
  const starts = await offsetsSince(kafka, topic, since);
  const consumer: Consumer = kafka.consumer({ groupId: `herald-test-${randomUUID()}`, maxWaitTimeInMs: 100 });
  await consumer.connect();
  try {
    await consumer.subscribe({ topic, fromBeginning: true });
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`${topic}: only ${kept.length} matching messages within ${timeoutMs} ms`)), timeoutMs);
      consumer
        .run({
          autoCommit: false,
          eachMessage: async ({ partition, message }) => {
            const value = await keep(message, partition);
            if (value === undefined) return;
            kept.push(value);
            if (done(kept)) {
              clearTimeout(timer);
              resolve();
            }
          },
        })
        .then(() => starts.forEach((s) => consumer.seek({ topic, partition: s.partition, offset: s.offset })))
        .catch(reject);
    });
  } finally {
    await consumer.disconnect();
  }
  return kept;
}

/** The first message of `topic` since `since` for which `match` returns a value (see readSince). */
export async function findMessage<T>(
  kafka: Kafka,
  topic: string,
  match: (m: KafkaMessage) => Promise<T | undefined> | T | undefined,
  opts: { since: number; timeoutMs?: number },
): Promise<T> {
  const [found] = await readSince(kafka, topic, opts.since, match, (kept) => kept.length > 0, opts.timeoutMs);
  return found as T;
}
