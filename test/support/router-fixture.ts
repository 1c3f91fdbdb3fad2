import { randomBytes, randomUUID } from 'node:crypto';
import { createLogger } from '@herald/logger';
import { createKafka, DELIVERY_METHODS, setGroupOffsetsToEnd, TOPICS, type DeliveryMethod } from '@herald/kafka';
import { createEventPublisher, type EventPublisher } from '@herald/producer';
import { SchemaRegistryCodec } from '@herald/events';
import { NotificationStore, registryChangeCodec, SubscriptionChangePublisher, type NotificationDoc } from '@herald/subscriptions';
import { openTestDb, type TestDb } from '../helpers/mongo.js';
import { TailReader, TEST_BROKERS, TEST_REGISTRY_URL } from './job-reader.js';
import { startService, type ServiceProcess } from '@herald/testing';

/** A unique repository name for one test. */
export function uniqueRepo(prefix = 'rt'): string {
  return `${prefix}-${randomBytes(4).toString('hex')}/app`;
}

/**
 * A router under test: its own MongoDB database, consumer group and transactional id; notifications
 * written to MongoDB and the change feed; events published through the producer library; jobs read
 * back read_committed from every method's job topic.
 */
export class RouterFixture {
  readonly id = randomBytes(4).toString('hex');
  readonly uuids = new Set<string>();
  readonly jobs: TailReader;
  store!: NotificationStore;
  feed!: SubscriptionChangePublisher;
  events!: EventPublisher;
  router: ServiceProcess | undefined;
  private testDb!: TestDb;
  private readonly logger = createLogger({ service: 'router-test', level: 'warn' });
  private readonly kafka = createKafka({ brokers: TEST_BROKERS, clientId: 'herald-router-test' });

  constructor() {
    const codec = new SchemaRegistryCodec({ url: TEST_REGISTRY_URL });
    this.jobs = new TailReader(this.kafka, codec, DELIVERY_METHODS.map((m) => TOPICS.jobs(m)), (key) => this.uuids.has(key));
  }

  get env(): Record<string, string> {
    return {
      KAFKA_BROKERS: TEST_BROKERS.join(','),
      SCHEMA_REGISTRY_URL: TEST_REGISTRY_URL,
      MONGO_DB: this.testDb.name,
      ROUTER_GROUP_ID: `herald-router-test-${this.id}`,
      ROUTER_INSTANCE_ID: `test-${this.id}`,
      ROUTER_SESSION_TIMEOUT_MS: '6000',
    };
  }

  /** `dbName`: share another component's database (e.g. the config API's) instead of a fresh one. */
  async setup(dbName?: string): Promise<void> {
    this.testDb = await openTestDb('router', dbName);
    this.store = new NotificationStore(this.testDb.db);
    await this.store.ensureIndexes();
    const codec = new SchemaRegistryCodec({ url: TEST_REGISTRY_URL });
    this.feed = new SubscriptionChangePublisher(this.kafka, registryChangeCodec(codec), this.logger);
    await this.feed.connect();
    this.events = createEventPublisher({ kafka: this.kafka, registryUrl: TEST_REGISTRY_URL, codec, ensureTopic: true });
    await this.events.connect();
    await this.jobs.start();
  }

  /** Stores a notification (and publishes it on the feed when `feed`). */
  async notify(repository: string, event: string, method: DeliveryMethod = 'webhook', event_config: Record<string, unknown> = {}, feed = false): Promise<NotificationDoc> {
    const doc = await this.store.insert({
      uuid: randomUUID(),
      repository,
      event,
      method,
      config: {},
      event_config,
      title: null,
      signing_secret: 'whsec_test',
      created_by: 'alice',
    });
    this.uuids.add(doc.uuid);
    if (feed) await this.feed.upsert(doc);
    return doc;
  }

  async startRouter(label = `router-${this.id}`): Promise<ServiceProcess> {
    if (!this.positioned) await this.positionAtEnd();
    this.router = await startService('router', this.env, label);
    await this.router.ready(90_000);
    return this.router;
  }

  /**
   * Starts one more router process in the same consumer group with its own instance id (so its own
   * transactional id), from the bundle the image runs. Restarting an instance reuses its id, as a
   * StatefulSet pod would, and fences its dead predecessor.
   */
  async startReplica(instance: string, label = `router-${this.id}-${instance}`): Promise<ServiceProcess> {
    if (!this.positioned) await this.positionAtEnd();
    const replica = await startService('router', { ...this.env, ROUTER_INSTANCE_ID: `test-${this.id}-${instance}` }, label, { bundle: true });
    await replica.ready(90_000);
    return replica;
  }

  private positioned = false;

  /**
   * Starts the router's new consumer group at the current end of repository-events, so it routes
   * this test's events rather than replaying every earlier test's (a new group reads from the start).
   */
  private async positionAtEnd(): Promise<void> {
    await setGroupOffsetsToEnd(this.kafka, this.env['ROUTER_GROUP_ID']!, [TOPICS.repositoryEvents]);
    this.positioned = true;
  }

  jobsFor(uuid: string) {
    return this.jobs.messages.filter((m) => m.key === uuid);
  }

  async teardown(): Promise<void> {
    await this.router?.kill('SIGTERM');
    await this.jobs.stop();
    await this.events.disconnect();
    await this.feed.disconnect();
    await this.testDb.drop();
  }
}
