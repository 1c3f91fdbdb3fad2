import { readFileSync } from 'node:fs';
import { createDeliveryRuntime } from '@herald/delivery';
import { SchemaRegistryCodec } from '@herald/events';
import { AddressGuard, createGuardedHttpClient, type TlsClientMaterial } from '@herald/http-guard';
import { createKafka } from '@herald/kafka';
import type { Logger } from '@herald/logger';
import { createMongoClient } from '@herald/mongo';
import { createMetricsRegistry, createOpsServer } from '@herald/observability';
import type { WebhookConfig } from './config.js';
import { createWebhookSender } from './webhook-sender.js';

export { loadConfig } from './config.js';
export type { WebhookConfig } from './config.js';

export interface WebhookApp {
  start(): Promise<void>;
  stop(): Promise<void>;
  /** The ops server's port once started. */
  opsPort(): number;
}

function tlsMaterial(c: WebhookConfig): TlsClientMaterial {
  return {
    ...(c.WEBHOOK_TLS_CERT_FILE ? { cert: readFileSync(c.WEBHOOK_TLS_CERT_FILE) } : {}),
    ...(c.WEBHOOK_TLS_KEY_FILE ? { key: readFileSync(c.WEBHOOK_TLS_KEY_FILE) } : {}),
    ...(c.WEBHOOK_TLS_CA_FILE ? { ca: readFileSync(c.WEBHOOK_TLS_CA_FILE) } : {}),
  };
}

/** The webhook delivery service: the shared delivery runtime with the webhook sender. */
export function createApp(config: WebhookConfig, logger: Logger): WebhookApp {
  const registry = createMetricsRegistry('delivery-webhook');
  const kafka = createKafka({ brokers: config.KAFKA_BROKERS, clientId: `${config.KAFKA_CLIENT_ID}-delivery-webhook`, logger });
  const codec = new SchemaRegistryCodec({ url: config.SCHEMA_REGISTRY_URL, clientId: 'herald-delivery-webhook' });
  const mongo = createMongoClient({ url: config.MONGO_URL });
  const http = createGuardedHttpClient({
    guard: new AddressGuard({ allow: config.WEBHOOK_ALLOW_LIST }),
    tls: tlsMaterial(config),
    connectTimeoutMs: config.DELIVERY_ATTEMPT_TIMEOUT_MS,
    keepAliveTimeoutMs: config.WEBHOOK_KEEP_ALIVE_TIMEOUT_MS,
    connectionsPerOrigin: config.WEBHOOK_CONNECTIONS_PER_ORIGIN,
  });
  const runtime = createDeliveryRuntime({
    method: 'webhook',
    sender: createWebhookSender({ http, userAgent: config.WEBHOOK_USER_AGENT }),
    kafka,
    codec,
    mongo,
    dbName: config.MONGO_DB,
    logger,
    registry,
    groupId: config.DELIVERY_GROUP_ID,
    retryDelaysMs: config.DELIVERY_RETRY_DELAYS_MS,
    attemptTimeoutMs: config.DELIVERY_ATTEMPT_TIMEOUT_MS,
    concurrency: config.DELIVERY_CONCURRENCY,
    partitionConcurrency: config.DELIVERY_PARTITION_CONCURRENCY,
    notificationConcurrency: config.DELIVERY_NOTIFICATION_CONCURRENCY,
    maxBufferedPerPartition: config.DELIVERY_MAX_BUFFERED_PER_PARTITION,
    failureThreshold: config.DELIVERY_FAILURE_THRESHOLD,
    sessionTimeoutMs: config.DELIVERY_SESSION_TIMEOUT_MS,
    fromBeginning: config.DELIVERY_FROM_BEGINNING,
    attemptLog: { maxAgeMs: config.ATTEMPT_LOG_MAX_AGE_SECONDS * 1000, maxPerNotification: config.ATTEMPT_LOG_MAX_PER_NOTIFICATION },
  });
  const ops = createOpsServer({ host: config.OPS_HOST, port: config.OPS_PORT, logger, registry, ready: () => runtime.ready() });
  let port = 0;
  let stopped: Promise<void> | undefined;

  return {
    opsPort: () => port,
    async start() {
      port = await ops.start();
      await runtime.start();
      logger.info({ opsPort: port, allowList: config.WEBHOOK_ALLOW_LIST, mtls: Boolean(config.WEBHOOK_TLS_CERT_FILE) }, 'webhook delivery started');
    },
    stop() {
      stopped ??= (async () => {
        // Leave a few seconds of the shutdown budget for commits and disconnects.
        await runtime.stop({ drainMs: Math.max(0, config.SHUTDOWN_TIMEOUT_MS - 3_000) });
        await http.close().catch(() => undefined);
        await mongo.close();
        await ops.stop();
      })();
      return stopped;
    },
  };
}
