import { configError } from '@herald/delivery';
import { toQuayPayload, type DeliveryJob } from '@herald/events';
import { INAPP_TARGET_KINDS, type InAppTarget, type NewInApp } from '@herald/store';

/**
 * The target of a `quay_notification` config, addressed as the notification area lists it (SPEC §3,
 * Quay's rules): a user by name; a team of the repository's namespace as `<namespace>/<team>` (the
 * form tokens list teams in, so `owners` of `acme` and of `beta` stay apart); an org only when it is
 * the repository's own namespace. A config that breaks these is a permanent failure: a retry cannot fix it.
 */
export function inAppTarget(config: Record<string, unknown>, namespace: string): InAppTarget {
  const t = config['target'];
  const { kind, name } = (typeof t === 'object' && t !== null && !Array.isArray(t) ? t : {}) as Record<string, unknown>;
  if (typeof kind !== 'string' || !(INAPP_TARGET_KINDS as readonly string[]).includes(kind) || typeof name !== 'string' || name.trim() === '') {
    throw configError('config.target must be {kind: user|team|org, name}');
  }
  if (kind === 'team') return { kind, name: name.startsWith(`${namespace}/`) ? name : `${namespace}/${name}` };
  if (kind === 'org' && name !== namespace) throw configError(`config.target: org ${name} is not the repository's namespace ${namespace}`);
  return { kind: kind as InAppTarget['kind'], name };
}

/**
 * The in-app notification a job stores (SPEC §3): the event kind, the event data as a webhook
 * receives it, created now, not dismissed. Keyed by the job's delivery id and target, so a redelivery
 * of the same job stores nothing new.
 */
export function inAppNotification(job: DeliveryJob, target: InAppTarget, now = new Date()): NewInApp {
  return {
    target,
    kind: job.kind,
    repository: job.repository,
    data: { ...toQuayPayload(job.event) } as Record<string, unknown>,
    created: now,
    delivery_id: job.delivery_id,
    notification_uuid: job.notification_uuid,
  };
}
