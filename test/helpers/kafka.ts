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
 * Reads `topic` from the beginning with a throwaway consumer group until `match` returns a value for
 * some message, or throws after `timeoutMs`.
 */
export async function findMessage<T>(
  kafka: Kafka,
  topic: string,
  match: (m: KafkaMessage) => Promise<T | undefined> | T | undefined,
  timeoutMs = 30_000,
): Promise<T> {
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
        .catch(reject);
    });
  } finally {
    await consumer.disconnect();
  }
}
