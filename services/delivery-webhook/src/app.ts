import { readFileSync } from 'node:fs';
import { createHttpDeliveryApp, type DeliveryApp } from '@herald/delivery';
import type { TlsClientMaterial } from '@herald/http-guard';
import type { Logger } from '@herald/logger';
import type { WebhookConfig } from './config.js';
import { createWebhookSender } from './webhook-sender.js';

export { loadConfig } from './config.js';
export type { WebhookConfig } from './config.js';

export type WebhookApp = DeliveryApp;

function tlsMaterial(c: WebhookConfig): TlsClientMaterial {
  return {
    ...(c.WEBHOOK_TLS_CERT_FILE ? { cert: readFileSync(c.WEBHOOK_TLS_CERT_FILE) } : {}),
    ...(c.WEBHOOK_TLS_KEY_FILE ? { key: readFileSync(c.WEBHOOK_TLS_KEY_FILE) } : {}),
    ...(c.WEBHOOK_TLS_CA_FILE ? { ca: readFileSync(c.WEBHOOK_TLS_CA_FILE) } : {}),
  };
}

/** The webhook delivery service: the shared delivery runtime with the webhook sender. */
export function createApp(config: WebhookConfig, logger: Logger): WebhookApp {
  return createHttpDeliveryApp({
    service: 'delivery-webhook',
    method: 'webhook',
    config,
    logger,
    allowList: config.WEBHOOK_ALLOW_LIST,
    http: {
      tls: tlsMaterial(config),
      keepAliveTimeoutMs: config.WEBHOOK_KEEP_ALIVE_TIMEOUT_MS,
      connectionsPerOrigin: config.WEBHOOK_CONNECTIONS_PER_ORIGIN,
    },
    sender: (http) => createWebhookSender({ http, userAgent: config.WEBHOOK_USER_AGENT }),
    startInfo: { allowList: config.WEBHOOK_ALLOW_LIST, mtls: Boolean(config.WEBHOOK_TLS_CERT_FILE) },
  });
}
