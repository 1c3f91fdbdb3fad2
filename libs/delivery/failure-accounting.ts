import type { DeliveryJob } from '@herald/events';
import type { Logger } from '@herald/logger';
import type { NotificationDoc, NotificationStore, SubscriptionChangePublisher } from '@herald/subscriptions';
import { alertsByEmail, disabledAlertEmailJob, disabledAlertJob } from './disable-alert.js';

export interface FailureAccountingOptions {
  store: Pick<NotificationStore, 'recordFailure' | 'recordSuccess'>;
  feed: Pick<SubscriptionChangePublisher, 'upsert'>;
  /** Publishes an alert job through the pipeline (the in-app one, and the e-mail one when on). */
  publishAlert: (job: DeliveryJob) => Promise<void>;
  /** Consecutive failed deliveries that disable a notification (default 3). */
  threshold: number;
  /** Also e-mail the alert (to the repository's confirmed addresses, by the e-mail service). */
  alertEmail: boolean;
  logger: Logger;
  onDisabled?: (uuid: string, reason: string) => void;
}

/**
 * Quay-compatible failure accounting (SPEC §4). A delivery has failed when it is dead-lettered;
 * `number_of_failures` counts consecutive failed deliveries, a success resets it. At the threshold,
 * or at once on 410 Gone, the notification is disabled, the change goes on the feed (so every
 * router and delivery view stops at once) and alerts are sent: in-app to the creator and the
 * namespace's admins, and by e-mail where configured. The store counts each delivery once and
 * decides under a lock who crossed the threshold, so one alert is sent however many replicas race;
 * a delivery re-processed after a crash re-publishes what may have been lost (the feed record and
 * its alerts, whose ids are derived from the delivery, so receivers keep them once).
 */
export class FailureAccounting {
  constructor(private readonly opts: FailureAccountingOptions) {}

  /**
   * A successful delivery. `knownFailures` is what the view (or the cached document) says; when it
   * is 0 nothing is written, so the steady state costs no MongoDB write per delivery.
   */
  async success(uuid: string, knownFailures: number): Promise<void> {
    if (knownFailures === 0) return;
    const updated = await this.opts.store.recordSuccess(uuid);
    if (updated) await this.opts.feed.upsert(updated);
  }

  /** A dead-lettered delivery; `disableNow` for 410 Gone. Returns the updated notification. */
  async failure(job: DeliveryJob, lastError: string, disableNow: boolean): Promise<NotificationDoc | null> {
    const { store, feed, threshold, logger } = this.opts;
    const reason = disableNow
      ? `the endpoint answered 410 Gone (${lastError})`
      : `${threshold} consecutive failed deliveries; last: ${lastError}`;
    const outcome = await store.recordFailure(job.notification_uuid, disableNow ? 1 : threshold, reason.slice(0, 500), job.delivery_id);
    if (!outcome) return null;
    const n = outcome.notification;
    await feed.upsert(n);
    const disabledByThis = outcome.justDisabled || (outcome.repeated && n.disabled && n.disabled_by === job.delivery_id);
    if (disabledByThis) {
      const why = n.disabled_reason ?? reason;
      const now = Date.now();
      await this.opts.publishAlert(disabledAlertJob(job, n, why, now));
      if (this.opts.alertEmail && alertsByEmail(n)) await this.opts.publishAlert(disabledAlertEmailJob(job, n, why, now));
    }
    if (outcome.justDisabled) {
      logger.warn({ notificationUuid: job.notification_uuid, repository: job.repository, failures: n.number_of_failures, reason }, 'notification disabled');
      this.opts.onDisabled?.(job.notification_uuid, reason);
    } else if (outcome.repeated) {
      logger.info({ notificationUuid: job.notification_uuid, deliveryId: job.delivery_id }, 'failure already counted (delivery re-processed)');
    }
    return n;
  }
}
