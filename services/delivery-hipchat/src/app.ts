import { AddressGuard, createGuardedHttpClient } from '@herald/http-guard';
import type { Logger } from '@herald/logger';
import { createDeliveryApp, type DeliveryApp } from '@herald/delivery';
import type { HipchatConfig } from './config.js';
import { createHipchatSender } from './hipchat-sender.js';

export { loadConfig } from './config.js';
export type { HipchatConfig } from './config.js';
export type { DeliveryApp } from '@herald/delivery';

/** The HipChat delivery service: the shared delivery runtime with the HipChat sender. */
export function createApp(config: HipchatConfig, logger: Logger): DeliveryApp {
  const http = createGuardedHttpClient({
    guard: new AddressGuard({ allow: config.HIPCHAT_ALLOW_LIST }),
    connectTimeoutMs: config.DELIVERY_ATTEMPT_TIMEOUT_MS,
    connectionsPerOrigin: config.HIPCHAT_CONNECTIONS_PER_ORIGIN,
  });
  return createDeliveryApp({
    service: 'delivery-hipchat',
    method: 'hipchat',
    config,
    logger,
    sender: () => createHipchatSender({ http, apiUrl: config.HIPCHAT_API_URL, userAgent: config.HIPCHAT_USER_AGENT }),
    close: () => http.close(),
  });
}
