import { deliveryId, type DeliveryJob, type InAppAlertTarget } from '@herald/events';
import { scopeLabel, scopeOf, type NotificationDoc } from '@herald/subscriptions';

/** The alert kind (in-app and e-mail) sent when a notification is disabled. */
export const NOTIFICATION_DISABLED = 'notification_disabled';

/** What the in-app notification of a disabled notification shows (`alert.data`). */
export interface DisabledAlertData {
  notification_uuid: string;
  /** What the notification covers: `ns/app`, `ns/*` (namespace-wide) or `*` (registry-wide). */
  repository: string;
  title: string | null;
  method: string;
  event: string;
  reason: string;
  number_of_failures: number;
  disabled_at: number;
}

/**
 * The in-app alert for a notification that was just disabled (SPEC §4), as a job for
 * `notifications.quay_notification`: addressed to the user who created the notification and to
 * the admins of the namespace it covers (org target: the repository's or its own namespace; none for a
 * registry-wide one, which no namespace's admins own), carried in the job's `alert` field.
 * Its delivery id derives from the failed delivery, so re-processing that delivery after a crash
 * produces the same alert, which the in-app store keeps once.
 */
export function disabledAlertJob(failed: DeliveryJob, n: NotificationDoc, reason: string, now = Date.now()): DeliveryJob {
  const scope = scopeOf(n);
  const namespace = scope === 'namespace' ? n.namespace : scope === 'registry' ? undefined : failed.event.namespace;
  const targets: InAppAlertTarget[] = [];
  if (n.created_by) targets.push({ kind: 'user', name: n.created_by });
  if (namespace) targets.push({ kind: 'org', name: namespace });
  const data: DisabledAlertData = {
    notification_uuid: n.uuid,
    repository: scopeLabel(n),
    title: n.title,
    method: n.method,
    event: n.event,
    reason,
    number_of_failures: n.number_of_failures,
    disabled_at: now,
  };
  return {
    delivery_id: deliveryId(`${NOTIFICATION_DISABLED}/${failed.delivery_id}`, n.uuid),
    notification_uuid: n.uuid,
    method: 'quay_notification',
    test: false,
    attempt: 0,
    created_at: now,
    event: failed.event,
    kind: failed.kind,
    repository: failed.repository,
    alert: { kind: NOTIFICATION_DISABLED, targets, data: JSON.stringify(data) },
  };
}

/**
 * The same alert by e-mail, as a job for `notifications.email`: the e-mail service sends it to the
 * addresses authorized and confirmed for the repository (the only addresses Herald knows for it),
 * if any. No in-app targets; its delivery id differs from the in-app alert's. Only for repository
 * notifications (alertsByEmail): a namespace-wide or registry-wide one has no authorized addresses.
 */
export function disabledAlertEmailJob(failed: DeliveryJob, n: NotificationDoc, reason: string, now = Date.now()): DeliveryJob {
  const inApp = disabledAlertJob(failed, n, reason, now);
  return {
    ...inApp,
    delivery_id: deliveryId(`${NOTIFICATION_DISABLED}/email/${failed.delivery_id}`, n.uuid),
    method: 'email',
    alert: { kind: NOTIFICATION_DISABLED, targets: [], data: inApp.alert?.data ?? '{}' },
  };
}

/** Whether a disabled notification is also announced by e-mail: addresses are authorized per repository only. */
export function alertsByEmail(n: Pick<NotificationDoc, 'scope'>): boolean {
  return scopeOf(n) === 'repository';
}
