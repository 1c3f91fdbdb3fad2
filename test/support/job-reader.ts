// Test readers of Kafka topics: positioned at the end (shared topics hold every earlier run's
// messages), keeping what this test produced.
import { randomUUID } from 'node:crypto';
import { DELIVERY_JOB_SCHEMA, type DeliveryJob, type SchemaRegistryCodec } from '@herald/events';
import { setGroupOffsetsToEnd, type Consumer, type IHeaders, type Kafka } from '@herald/kafka';
import { TEST_KAFKA_BROKERS, TEST_SCHEMA_REGISTRY_URL } from '../helpers/kafka.js';

// The stack's addresses as the services derive them (KAFKA_BROKERS, else 127.0.0.1:$KAFKA_PORT).
export const TEST_BROKERS = TEST_KAFKA_BROKERS;
export const TEST_REGISTRY_URL = TEST_SCHEMA_REGISTRY_URL;

/**
 * Commits `groupId`'s offsets at the current end of `topics`, so it reads only what comes next:
 * setGroupOffsetsToEnd (a transactional offset commit, no group membership). It used to join the
 * group with a short-lived consumer and commit right after `run()`, which could commit before the
 * join had completed (intermittently refused by the coordinator).
 */
export async function positionAtEnd(kafka: Kafka, groupId: string, topics: string[]): Promise<void> {
  await setGroupOffsetsToEnd(kafka, groupId, topics);
}

/** A message read back from a topic. */
export interface ReadBack<T> {
  topic: string;
  key: string;
  value: T;
  headers: IHeaders;
  at: number;
}

/** Reads topics from their current end (a fresh, positioned group), keeping messages whose key `accept`s. */
export class TailReader<T = DeliveryJob> {
  readonly messages: ReadBack<T>[] = [];
  private consumer: Consumer | undefined;

  constructor(
    private readonly kafka: Kafka,
    private readonly codec: SchemaRegistryCodec,
    private readonly topics: string[],
    private readonly accept: (key: string) => boolean,
    private readonly decode: (codec: SchemaRegistryCodec, value: Buffer | null) => Promise<T> = (c, v) => c.decode(v, DELIVERY_JOB_SCHEMA) as Promise<T>,
  ) {}

  async start(): Promise<void> {
    const groupId = `herald-test-tail-${randomUUID()}`;
    await positionAtEnd(this.kafka, groupId, this.topics);
    const consumer = this.kafka.consumer({ groupId, maxWaitTimeInMs: 100 });
    this.consumer = consumer;
    await consumer.connect();
    await consumer.subscribe({ topics: this.topics, fromBeginning: true });
    await consumer.run({
      autoCommit: false,
      eachMessage: async ({ topic, message }) => {
        const key = message.key?.toString() ?? '';
        if (!this.accept(key)) return;
        // A message this reader cannot decode (a test's deliberate garbage) is not for it.
        const value = await this.decode(this.codec, message.value).catch(() => undefined);
        if (value === undefined) return;
        this.messages.push({ topic, key, value, headers: message.headers ?? {}, at: Date.now() });
      },
    });
  }

  of(key: string): ReadBack<T>[] {
    return this.messages.filter((m) => m.key === key);
  }

  async stop(): Promise<void> {
    await this.consumer?.disconnect();
  }
}

export function header(headers: IHeaders, name: string): string | undefined {
  const v = headers[name];
  return (Array.isArray(v) ? v[0] : v)?.toString();
}

