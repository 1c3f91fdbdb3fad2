export { createKafka, kafkaLogCreator } from './client.js';
export { cachedKeyPartitioner, keyHash, murmur2, partitionForKey } from './partitioner.js';
export { kafkaCheck } from './kafka-check.js';
export { createRecordProducer, SendTimeoutError } from './record-producer.js';
export type { OutgoingMessage, OutgoingRecord, RecordProducer, RecordProducerOptions } from './record-producer.js';
export type { KafkaClientOptions } from './client.js';
export { ensureTopics, consumerLag, fetchTopicOffsetsRetrying, setGroupOffsetsToEnd } from './admin.js';
export { describeDrift, desiredTopics, findDrift, MANAGED_CONFIGS, planTopics, replicationSettings } from './provision.js';
export type { DesiredTopic, Drift, ObservedTopic, ReplicationSettings, TopicPlan } from './provision.js';
export { applyTopicPlan, brokerCount, observeTopics, TopicsNotReadyError, verifyTopics } from './provision-admin.js';
export { runTopicsCommand, TOPICS_USAGE, topicsShape } from './topics-command.js';
export type { TopicsCommandIo } from './topics-command.js';
export { MAX_RETRY_DELAY_MS, retryDelaysMs } from './retry-delays.js';
export { TOPICS, HEADERS, PARTITIONS, DELIVERY_METHODS, DEFAULT_RETRY_DELAYS_MS, topicSpecs } from './topics.js';
export type { DeliveryMethod, TopicSpec } from './topics.js';
export type {
  Kafka,
  Producer,
  Consumer,
  Admin,
  Transaction,
  EachBatchPayload,
  EachMessagePayload,
  KafkaMessage,
  IHeaders,
  Message,
} from 'kafkajs';
export { CompressionTypes } from 'kafkajs';
export { createTransactionalPipe } from './transactional-pipe.js';
export { fencedCause } from './fenced.js';
export type { TransactionalPipe, TransactionalPipeOptions, TopicMessages } from './transactional-pipe.js';
export { encodeRecord, type RecordInput } from './kafkajs-patches.js';
