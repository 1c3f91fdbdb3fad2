import { randomUUID } from 'node:crypto';
import { createKafka, type Consumer, type Kafka, type KafkaMessage } from '@herald/kafka';

/** The local stack's brokers unless KAFKA_BROKERS says otherwise. */
export const TEST_KAFKA_BROKERS = (process.env['KAFKA_BROKERS'] ?? '127.0.0.1:9092').split(',');
/** The local stack's schema registry (Confluent-compatible API). */
export const TEST_SCHEMA_REGISTRY_URL = process.env['SCHEMA_REGISTRY_URL'] ?? 'http://127.0.0.1:8081/apis/ccompat/v7';

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
 * Reads `topic` with a throwaway consumer group until `match` returns a value for some message, or
 * throws after `timeoutMs`. It starts at the first message written at or after `since` (epoch ms,
 * e.g. taken just before the action that produces it): the local stack keeps its topics between
 * runs, and reading a shared topic from the beginning gets slower with every run.
 */
export async function findMessage<T>(
  kafka: Kafka,
  topic: string,
  match: (m: KafkaMessage) => Promise<T | undefined> | T | undefined,
  opts: { since: number; timeoutMs?: number },
): Promise<T> {
  const timeoutMs = opts.timeoutMs ?? 30_000;
  const starts = await offsetsSince(kafka, topic, opts.since);
  const consumer: Consumer = kafka.consumer({ groupId: `herald-test-${randomUUID()}`, maxWaitTimeInMs: 100 });
  await consumer.connect();
  try {
    await consumer.subscribe({ topic, fromBeginning: true });
    return await new Promise<T>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no matching message on ${topic} within ${timeoutMs} ms`)), timeoutMs);
      consumer
        .run({
          eachMessage: async ({ message }) => {
            const found = await match(message);
            if (found !== undefined) {
              clearTimeout(timer);
              resolve(found);
            }
          },
        })
        .then(() => {
          for (const s of starts) consumer.seek({ topic, partition: s.partition, offset: s.offset });
        })
        .catch(reject);
    });
  } finally {
    await consumer.disconnect();
  }
}
