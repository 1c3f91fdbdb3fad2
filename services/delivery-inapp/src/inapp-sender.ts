import { configError, type Sender } from '@herald/delivery';
import type { DeliveryJob, InAppAlert } from '@herald/events';
import { INAPP_TARGET_KINDS, type InAppStore, type InAppTarget } from '@herald/store';
import { inAppNotification, inAppTarget } from './inapp-notification.js';

function alertData(alert: InAppAlert): Record<string, unknown> {
  let data: unknown;
  try {
    data = JSON.parse(alert.data);
  } catch (err) {
    throw configError('alert.data is not JSON', err);
  }
  if (typeof data !== 'object' || data === null || Array.isArray(data)) throw configError('alert.data is not a JSON object');
  return data as Record<string, unknown>;
}

function alertTargets(alert: InAppAlert): InAppTarget[] {
  return alert.targets.filter((t): t is InAppTarget => (INAPP_TARGET_KINDS as readonly string[]).includes(t.kind) && t.name.trim() !== '');
}

/** Herald's own alert (e.g. a notification was disabled): one notification per target it names. */
async function storeAlert(store: Pick<InAppStore, 'insertInApp'>, job: DeliveryJob, alert: InAppAlert): Promise<void> {
  const data = alertData(alert);
  for (const target of alertTargets(alert)) {
    await store.insertInApp({ target, kind: alert.kind, repository: job.repository, data, delivery_id: job.delivery_id, notification_uuid: job.notification_uuid });
  }
}

/**
 * In-app delivery (SPEC §3 `quay_notification`): stores the notification for the configured user,
 * team or org. The store's insert is idempotent by (delivery id, target), so a redelivered job —
 * after a crash or a retry — leaves exactly one notification.
 */
export function createInAppSender(opts: { store: Pick<InAppStore, 'insertInApp'> }): Sender {
  return {
    method: 'quay_notification',
    async send({ job, notification }) {
      if (job.alert) {
        await storeAlert(opts.store, job, job.alert);
        return {};
      }
      await opts.store.insertInApp(inAppNotification(job, inAppTarget(notification.config, job.event.namespace)));
      return {};
    },
  };
}
