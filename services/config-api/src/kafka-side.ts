import { registryConnection } from '@herald/config';
import { SchemaRegistryCodec } from '@herald/events';
import { DELIVERY_METHODS, kafkaCheck, TOPICS, topicSpecs, verifyTopics, type Kafka, type Producer } from '@herald/kafka';
import type { DependencyCheck } from '@herald/observability';
import type { Logger } from '@herald/logger';
import { registryChangeCodec, SubscriptionChangePublisher } from '@herald/subscriptions';
import type { ConfigApiConfig } from './config.js';
import type { ChangeFeed } from './deps.js';
import { createTestDelivery, type TestDelivery } from './test-delivery.js';

/** What the config service publishes to Kafka, and whether it can. */
export interface KafkaSide {
  codec: SchemaRegistryCodec;
  changes: ChangeFeed;
  testDelivery: TestDelivery;
  /** Publishes jobs (test notifications, resends); idempotent, connected by `connect()`. */
  jobs: Producer;
  connect(): Promise<void>;
  disconnect(): Promise<void>;
  /**
   * Readiness: the cluster answers. Asked when readiness is asked for: kafkajs reports a producer's
   * DISCONNECT only on disconnect(), not when a broker goes away.
   */
  check: DependencyCheck;
}

/** The topics this service writes to: the change feed and each method's job topic (checked at start). */
function ownTopics(): ReturnType<typeof topicSpecs> {
  const names = new Set<string>([TOPICS.subscriptionChanges, ...DELIVERY_METHODS.map((m) => TOPICS.jobs(m))]);
  return topicSpecs().filter((s) => names.has(s.name));
}

export function createKafkaSide(kafka: Kafka, config: ConfigApiConfig, logger: Logger): KafkaSide {
  const codec = new SchemaRegistryCodec({ ...registryConnection(config), clientId: `${config.KAFKA_CLIENT_ID}-config-api` });
  const publisher = new SubscriptionChangePublisher(kafka, registryChangeCodec(codec), logger);
  const producer = kafka.producer({ allowAutoTopicCreation: false, idempotent: true, maxInFlightRequests: 1 });
  const probe = kafkaCheck(kafka);
  return {
    codec,
    changes: publisher,
    testDelivery: createTestDelivery(producer, codec),
    jobs: producer,
    async connect() {
      await verifyTopics(kafka, ownTopics());
      await publisher.connect();
      await producer.connect();
    },
    async disconnect() {
      await Promise.allSettled([producer.disconnect(), publisher.disconnect(), probe.close()]);
    },
    check: probe,
  };
}
