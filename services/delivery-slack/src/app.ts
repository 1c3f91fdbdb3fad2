import { AddressGuard, createGuardedHttpClient } from '@herald/http-guard';
import type { Logger } from '@herald/logger';
import { createDeliveryApp, type DeliveryApp } from '@herald/delivery';
import type { SlackConfig } from './config.js';
import { createSlackSender } from './slack-sender.js';

export { loadConfig } from './config.js';
export type { SlackConfig } from './config.js';
export type { DeliveryApp } from '@herald/delivery';

/** The Slack delivery service: the shared delivery runtime with the Slack sender. */
export function createApp(config: SlackConfig, logger: Logger): DeliveryApp {
  const http = createGuardedHttpClient({
    guard: new AddressGuard({ allow: config.SLACK_ALLOW_LIST }),
    connectTimeoutMs: config.DELIVERY_ATTEMPT_TIMEOUT_MS,
    connectionsPerOrigin: config.SLACK_CONNECTIONS_PER_ORIGIN,
  });
  return createDeliveryApp({
    service: 'delivery-slack',
    method: 'slack',
    config,
    logger,
    sender: () => createSlackSender({ http, username: config.SLACK_USERNAME, userAgent: config.SLACK_USER_AGENT }),
    close: () => http.close(),
  });
}
