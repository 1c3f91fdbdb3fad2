import { randomBytes, randomUUID } from 'node:crypto';
import { PassThrough } from 'node:stream';
import type { DeliveryApp } from '@herald/delivery';
import { createDeliveryJob, DELIVERY_JOB_SCHEMA, sampleEvent, SchemaRegistryCodec, SUBJECTS, type DeliveryJob, type EventKind, type RepositoryEvent } from '@herald/events';
import { createKafka, TOPICS, type DeliveryMethod, type Producer } from '@herald/kafka';
import { createLogger, type Logger } from '@herald/logger';
import { NotificationStore, type NotificationDoc } from '@herald/subscriptions';
import { openTestDb, type TestDb } from '../helpers/mongo.js';
import { BROKERS, REGISTRY_URL } from '../integration/webhook-fixture.js';
import { positionAtEnd, TailReader } from './job-reader.js';

/**
 * One delivery method's service started in-process (through its app factory) on the real stack,
 * with its own database and consumer group, positioned at the end of its topics; the service logs
 * at debug level into `logLines`, so tests can check that no record carries a secret. Publishes jobs
 * for notifications it stores, and reads the method's dead-letter topic.
 */
export class MethodTestbed {
  readonly kafka;
  readonly codec = new SchemaRegistryCodec({ url: REGISTRY_URL });
  readonly logLines: string[] = [];
  /** Notifications stored through `notification` (the dead-letter reader keeps only theirs). */
  readonly uuids = new Set<string>();
  db!: TestDb;
  store!: NotificationStore;
  app!: DeliveryApp;
  dlq!: TailReader;
  private producer!: Producer;

  constructor(readonly method: DeliveryMethod) {
    this.kafka = createKafka({ brokers: BROKERS, clientId: `herald-methods-${method}-test` });
  }

  /**
   * Starts the service: `makeApp` gets the environment (the stack, the database, the group, one
   * 200 ms retry, plus `env`) and the logger, and returns the app (`createApp(loadConfig(env), logger)`).
   */
  async setup(env: Record<string, string>, makeApp: (env: NodeJS.ProcessEnv, logger: Logger) => DeliveryApp): Promise<void> {
    const method = this.method;
    this.db = await openTestDb(`methods_${method}`);
    this.store = new NotificationStore(this.db.db);
    await this.store.ensureIndexes();
    const groupId = `herald-test-${method}-${randomBytes(4).toString('hex')}`;
    await positionAtEnd(this.kafka, groupId, [TOPICS.jobs(method), TOPICS.retry(method, 1)]);
    const logs = new PassThrough();
    logs.on('data', (c: Buffer) => this.logLines.push(c.toString('utf8')));
    const serviceEnv = {
      ...process.env,
      KAFKA_BROKERS: BROKERS.join(','),
      SCHEMA_REGISTRY_URL: REGISTRY_URL,
      MONGO_DB: this.db.name,
      DELIVERY_GROUP_ID: groupId,
      DELIVERY_RETRY_DELAYS_MS: '200',
      DELIVERY_SESSION_TIMEOUT_MS: '6000',
      OPS_PORT: '0',
      SHUTDOWN_TIMEOUT_MS: '5000',
      ...env,
    };
    // Debug level, so that every log record the service can write is checked for secrets.
    this.app = makeApp(serviceEnv, createLogger({ service: `delivery-${method}`, level: 'debug', destination: logs }));
    await this.app.start();
    this.producer = this.kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
    await this.producer.connect();
    await this.codec.register(SUBJECTS.jobs(method), DELIVERY_JOB_SCHEMA);
    this.dlq = new TailReader(this.kafka, this.codec, [TOPICS.dlq(method)], (k) => this.uuids.has(k));
    await this.dlq.start();
  }

  async teardown(): Promise<void> {
    await this.app?.stop();
    await this.dlq?.stop();
    await this.producer?.disconnect();
    await this.db?.drop();
  }

  /** Stores a notification of this method for a fresh repository `<prefix>-<random>/app`. */
  async notification(event: EventKind, config: Record<string, unknown>, repositoryPrefix: string): Promise<NotificationDoc> {
    const doc = await this.store.insert({
      uuid: randomUUID(),
      repository: `${repositoryPrefix}-${randomBytes(3).toString('hex')}/app`,
      event,
      method: this.method,
      config,
      event_config: {},
      title: null,
      signing_secret: '',
      created_by: 'alice',
    });
    this.uuids.add(doc.uuid);
    return doc;
  }

  /** Publishes a job of the notification's event kind (sample data with `body` on top). */
  async publish(n: NotificationDoc, body: Record<string, unknown> = {}): Promise<DeliveryJob> {
    const event = sampleEvent(n.event as EventKind, { repository: n.repository, body }) as RepositoryEvent;
    const job = createDeliveryJob({ event, notificationUuid: n.uuid, method: this.method });
    await this.producer.send({ topic: TOPICS.jobs(this.method), acks: -1, messages: [{ key: n.uuid, value: this.codec.encode(SUBJECTS.jobs(this.method), job) }] });
    return job;
  }
}
