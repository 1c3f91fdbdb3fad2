import type { Logger } from '@herald/logger';
import { createHttpDeliveryApp, type DeliveryApp } from '@herald/delivery';
import type { SlackConfig } from './config.js';
import { createSlackSender } from './slack-sender.js';

export { loadConfig } from './config.js';
export type { SlackConfig } from './config.js';
export type { DeliveryApp } from '@herald/delivery';

/** The Slack delivery service: the shared delivery runtime with the Slack sender. */
export function createApp(config: SlackConfig, logger: Logger): DeliveryApp {
  return createHttpDeliveryApp({
    service: 'delivery-slack',
    method: 'slack',
    config,
    logger,
    allowList: config.SLACK_ALLOW_LIST,
    http: { connectionsPerOrigin: config.SLACK_CONNECTIONS_PER_ORIGIN },
    sender: (http) => createSlackSender({ http, username: config.SLACK_USERNAME, userAgent: config.SLACK_USER_AGENT }),
  });
}
