import { randomUUID } from 'node:crypto';
import { DELIVERY_JOB_SCHEMA, SchemaRegistryCodec, type DeliveryJob } from '@herald/events';
import { createKafka, setGroupOffsetsToEnd, type Consumer, type IHeaders } from '@herald/kafka';

export const TEST_BROKERS = (process.env['KAFKA_BROKERS'] ?? '127.0.0.1:9092').split(',');
export const TEST_REGISTRY_URL = process.env['SCHEMA_REGISTRY_URL'] ?? 'http://127.0.0.1:8081/apis/ccompat/v7';

export interface ReadMessage<T> {
  topic: string;
  key: string;
  value: T;
  headers: IHeaders;
}

/**
 * Reads what is produced to `topics` after `start()` (a fresh consumer group positioned at their
 * current end: shared topics hold every earlier test's messages), isolation read_committed, keeping
 * only messages whose key `accept`s; values are decoded as delivery jobs unless `raw`.
 */
export class TopicReader<T = DeliveryJob> {
  readonly messages: ReadMessage<T>[] = [];
  private consumer: Consumer | undefined;
  private readonly codec = new SchemaRegistryCodec({ url: TEST_REGISTRY_URL });

  constructor(
    private readonly topics: string[],
    private readonly accept: (key: string) => boolean,
    private readonly raw = false,
  ) {}

  async start(): Promise<void> {
    const kafka = createKafka({ brokers: TEST_BROKERS, clientId: 'herald-test-reader' });
    const groupId = `herald-test-reader-${randomUUID()}`;
    await setGroupOffsetsToEnd(kafka, groupId, this.topics);
    const consumer = kafka.consumer({ groupId, readUncommitted: false, maxWaitTimeInMs: 100 });
    this.consumer = consumer;
    await consumer.connect();
    await consumer.subscribe({ topics: this.topics, fromBeginning: true });
    await consumer.run({
      autoCommit: false,
      eachMessage: async ({ topic, message }) => {
        const key = message.key?.toString() ?? '';
        if (!this.accept(key)) return;
        const value = (this.raw ? message.value : await this.codec.decode(message.value, DELIVERY_JOB_SCHEMA)) as T;
        this.messages.push({ topic, key, value, headers: message.headers ?? {} });
      },
    });
  }

  async stop(): Promise<void> {
    await this.consumer?.disconnect();
  }
}
