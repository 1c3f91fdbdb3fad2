import type { Logger } from '@herald/logger';
import { createHttpDeliveryApp, destinationOfUrl, type DeliveryApp } from '@herald/delivery';
import type { HipchatConfig } from './config.js';
import { createHipchatSender } from './hipchat-sender.js';

export { loadConfig } from './config.js';
export type { HipchatConfig } from './config.js';
export type { DeliveryApp } from '@herald/delivery';

/** The HipChat delivery service: the shared delivery runtime with the HipChat sender. */
export function createApp(config: HipchatConfig, logger: Logger): DeliveryApp {
  return createHttpDeliveryApp({
    service: 'delivery-hipchat',
    method: 'hipchat',
    config,
    logger,
    allowList: config.HIPCHAT_ALLOW_LIST,
    // Every room's messages go to one API: one circuit breaker for it.
    destination: destinationOfUrl(config.HIPCHAT_API_URL),
    http: { connectionsPerOrigin: config.HIPCHAT_CONNECTIONS_PER_ORIGIN },
    sender: (http) => createHipchatSender({ http, apiUrl: config.HIPCHAT_API_URL, userAgent: config.HIPCHAT_USER_AGENT }),
  });
}
