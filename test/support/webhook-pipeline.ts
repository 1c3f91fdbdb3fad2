// Router → webhook delivery on the real stack: the router as a child process and the webhook service
// in-process, both on one MongoDB database of the test's own (RouterFixture's), so jobs the router
// makes are delivered to receivers on loopback.
import { randomBytes, randomUUID } from 'node:crypto';
import { createApp, loadConfig, type WebhookApp } from '@herald/delivery-webhook';
import { createKafka, TOPICS } from '@herald/kafka';
import { createLogger } from '@herald/logger';
import type { NotificationDoc } from '@herald/subscriptions';
import { positionAtEnd, TEST_BROKERS, TEST_REGISTRY_URL } from './job-reader.js';
import { RouterFixture } from './router-fixture.js';

const LOG_LEVEL = process.env['TEST_LOG_LEVEL'] ?? 'warn';

/** A router and a webhook delivery service sharing RouterFixture's database, notifications and feed. */
export class WebhookPipeline {
  readonly router = new RouterFixture();
  private webhook: WebhookApp | undefined;
  private readonly kafka = createKafka({ brokers: TEST_BROKERS, clientId: 'herald-pipeline-test' });

  async setup(): Promise<void> {
    await this.router.setup();
  }

  /** Stores a webhook notification to `url` with this event filter and publishes it on the feed. */
  async notify(repository: string, event: string, url: string, event_config: Record<string, unknown> = {}): Promise<NotificationDoc> {
    const doc = await this.router.store.insert({
      uuid: randomUUID(),
      repository,
      event,
      method: 'webhook',
      config: { url },
      event_config,
      title: null,
      signing_secret: `whsec_${randomBytes(32).toString('base64')}`,
      created_by: 'alice',
    });
    this.router.uuids.add(doc.uuid);
    await this.router.feed.upsert(doc);
    return doc;
  }

  /** Starts the router process and the webhook service (loopback allowed), each in a group of its own at the end of its topics. */
  async start(): Promise<void> {
    const groupId = `herald-test-pipeline-webhook-${this.router.id}`;
    await positionAtEnd(this.kafka, groupId, [TOPICS.jobs('webhook'), TOPICS.retry('webhook', 1)]);
    const config = loadConfig({
      ...process.env,
      KAFKA_BROKERS: TEST_BROKERS.join(','),
      SCHEMA_REGISTRY_URL: TEST_REGISTRY_URL,
      MONGO_DB: this.router.env['MONGO_DB'],
      DELIVERY_GROUP_ID: groupId,
      DELIVERY_SESSION_TIMEOUT_MS: '6000',
      DELIVERY_RETRY_DELAYS_MS: '200',
      WEBHOOK_ALLOW_LIST: '127.0.0.1',
      OPS_HOST: '127.0.0.1',
      OPS_PORT: '0',
      LOG_LEVEL,
      SHUTDOWN_TIMEOUT_MS: '5000',
    });
    this.webhook = createApp(config, createLogger({ service: 'delivery-webhook', level: config.LOG_LEVEL }));
    await Promise.all([this.webhook.start(), this.router.startRouter()]);
  }

  async teardown(): Promise<void> {
    await this.webhook?.stop().catch(() => undefined);
    await this.router.teardown();
  }
}
