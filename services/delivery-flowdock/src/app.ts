import { AddressGuard, createGuardedHttpClient } from '@herald/http-guard';
import type { Logger } from '@herald/logger';
import { createDeliveryApp, type DeliveryApp } from '@herald/delivery';
import type { FlowdockConfig } from './config.js';
import { createFlowdockSender } from './flowdock-sender.js';

export { loadConfig } from './config.js';
export type { FlowdockConfig } from './config.js';
export type { DeliveryApp } from '@herald/delivery';

/** The Flowdock delivery service: the shared delivery runtime with the Flowdock sender. */
export function createApp(config: FlowdockConfig, logger: Logger): DeliveryApp {
  const http = createGuardedHttpClient({
    guard: new AddressGuard({ allow: config.FLOWDOCK_ALLOW_LIST }),
    connectTimeoutMs: config.DELIVERY_ATTEMPT_TIMEOUT_MS,
    connectionsPerOrigin: config.FLOWDOCK_CONNECTIONS_PER_ORIGIN,
  });
  return createDeliveryApp({
    service: 'delivery-flowdock',
    method: 'flowdock',
    config,
    logger,
    sender: () =>
      createFlowdockSender({
        http,
        apiUrl: config.FLOWDOCK_API_URL,
        source: config.FLOWDOCK_SOURCE,
        fromAddress: config.FLOWDOCK_FROM_ADDRESS,
        userAgent: config.FLOWDOCK_USER_AGENT,
      }),
    close: () => http.close(),
  });
}
