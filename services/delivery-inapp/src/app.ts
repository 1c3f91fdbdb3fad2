import type { Logger } from '@herald/logger';
import { InAppStore } from '@herald/store';
import { createDeliveryApp, type DeliveryApp } from '@herald/delivery';
import type { InAppConfig } from './config.js';
import { createInAppSender } from './inapp-sender.js';

export { loadConfig } from './config.js';
export type { InAppConfig } from './config.js';
export type { DeliveryApp } from '@herald/delivery';

/** The in-app delivery service (`quay_notification`): the shared delivery runtime storing in MongoDB. */
export function createApp(config: InAppConfig, logger: Logger): DeliveryApp {
  return createDeliveryApp({
    service: 'delivery-inapp',
    method: 'quay_notification',
    config,
    logger,
    async sender(db) {
      const store = new InAppStore(db);
      // The unique (delivery id, target) index is what makes redelivery idempotent: make sure it exists.
      await store.ensureIndexes();
      return createInAppSender({ store });
    },
  });
}
