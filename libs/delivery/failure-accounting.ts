import type { DeliveryJob } from '@herald/events';
import type { Logger } from '@herald/logger';
import type { NotificationDoc, NotificationStore, SubscriptionChangePublisher } from '@herald/subscriptions';
import { disabledAlertJob } from './disable-alert.js';

export interface FailureAccountingOptions {
  store: Pick<NotificationStore, 'recordFailure' | 'recordSuccess'>;
  feed: Pick<SubscriptionChangePublisher, 'upsert'>;
  /** Publishes the in-app alert job through the pipeline. */
  publishAlert: (job: DeliveryJob) => Promise<void>;
  /** Consecutive failed deliveries that disable a notification (default 3). */
  threshold: number;
  logger: Logger;
  onDisabled?: (uuid: string, reason: string) => void;
}

/**
 * Quay-compatible failure accounting (SPEC §4). A delivery has failed when it is dead-lettered;
 * `number_of_failures` counts consecutive failed deliveries, a success resets it. At the threshold,
 * or at once on 410 Gone, the notification is disabled, the change goes on the feed (so every
 * router and delivery view stops at once) and an in-app alert is sent. MongoDB's atomic increment
 * decides who crossed the threshold, so exactly one alert is sent however many replicas race.
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
    const outcome = await store.recordFailure(job.notification_uuid, disableNow ? 1 : threshold, reason.slice(0, 500));
    if (!outcome) return null;
    await feed.upsert(outcome.notification);
    if (outcome.justDisabled) {
      await this.opts.publishAlert(disabledAlertJob(job, outcome.notification, reason));
      logger.warn(
        { notificationUuid: job.notification_uuid, repository: job.repository, failures: outcome.notification.number_of_failures, reason },
        'notification disabled',
      );
      this.opts.onDisabled?.(job.notification_uuid, reason);
    }
    return outcome.notification;
  }
}
