import type { Logger } from '@herald/logger';
import { createHttpDeliveryApp, destinationOfUrl, type DeliveryApp } from '@herald/delivery';
import type { FlowdockConfig } from './config.js';
import { createFlowdockSender } from './flowdock-sender.js';

export { loadConfig } from './config.js';
export type { FlowdockConfig } from './config.js';
export type { DeliveryApp } from '@herald/delivery';

/** The Flowdock delivery service: the shared delivery runtime with the Flowdock sender. */
export function createApp(config: FlowdockConfig, logger: Logger): DeliveryApp {
  return createHttpDeliveryApp({
    service: 'delivery-flowdock',
    method: 'flowdock',
    config,
    logger,
    allowList: config.FLOWDOCK_ALLOW_LIST,
    // Every flow's messages go to one API: one circuit breaker for it.
    destination: destinationOfUrl(config.FLOWDOCK_API_URL),
    http: { connectionsPerOrigin: config.FLOWDOCK_CONNECTIONS_PER_ORIGIN },
    sender: (http) =>
      createFlowdockSender({
        http,
        apiUrl: config.FLOWDOCK_API_URL,
        source: config.FLOWDOCK_SOURCE,
        fromAddress: config.FLOWDOCK_FROM_ADDRESS,
        userAgent: config.FLOWDOCK_USER_AGENT,
      }),
  });
}
