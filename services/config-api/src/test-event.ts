import { isEventKind, sampleEvent, VULNERABILITY_PRIORITIES, type EventKind, type RepositoryEvent } from '@herald/events';
import { HeraldError } from '@herald/errors';
import type { NotificationDoc } from '@herald/subscriptions';

/** A configured number (number or numeric string, as the API accepts them); undefined otherwise. */
function configuredInt(raw: unknown): number | undefined {
  const n = typeof raw === 'number' ? raw : typeof raw === 'string' && raw.trim() !== '' ? Number(raw) : Number.NaN;
  return Number.isInteger(n) ? n : undefined;
}

/**
 * Quay's `get_priority_for_index(event_config.get("level", "Critical"))`: the priority at the
 * configured index, and "Unknown" for anything else — including no level at all, since Quay's
 * default "Critical" is not an index (notifications/notificationevent.py VulnerabilityFoundEvent).
 */
function testPriority(level: unknown): (typeof VULNERABILITY_PRIORITIES)[number] {
  const i = configuredInt(level);
  return (i !== undefined && VULNERABILITY_PRIORITIES[i]) || 'Unknown';
}

type TestedNotification = Pick<NotificationDoc, 'uuid' | 'event' | 'repository' | 'event_config' | 'scope' | 'namespace'>;

/**
 * The repository a test event names: the notification's own; for a namespace-wide one the
 * sample's repository moved into that namespace; for a registry-wide one the sample's.
 */
function testRepository(n: TestedNotification, kind: EventKind): string | undefined {
  if (n.scope === 'registry') return undefined;
  if (n.scope !== 'namespace') return n.repository;
  const sample = sampleEvent(kind).repository;
  return `${n.namespace ?? ''}/${sample.slice(sample.indexOf('/') + 1)}`;
}

/**
 * The event a "test notification" delivers (SPEC §5): the kind's sample re-addressed to the
 * notification's repository and built from its own settings, as Quay's `get_sample_data` is —
 * the vulnerability's priority from the configured level, `expiring_in` from the configured days,
 * and an expiry event naming this notification. A namespace-wide or registry-wide notification's
 * event names a repository it covers (testRepository).
 */
export function testEventFor(n: TestedNotification): RepositoryEvent {
  if (!isEventKind(n.event)) throw new HeraldError('EVENT_UNKNOWN', `notification ${n.uuid} has an unknown event kind`);
  const repository = testRepository(n, n.event);
  if (n.event === 'vulnerability_found') {
    const vulnerability = { ...sampleEvent('vulnerability_found').body.vulnerability, priority: testPriority(n.event_config['level']) };
    return sampleEvent('vulnerability_found', { repository, body: { vulnerability } });
  }
  if (n.event === 'repo_image_expiry') {
    const days = configuredInt(n.event_config['days']);
    return sampleEvent('repo_image_expiry', {
      repository,
      body: { notification_uuid: n.uuid, ...(days === undefined ? {} : { expiring_in: `${days} days` }) },
    });
  }
  return sampleEvent(n.event, { repository }) as RepositoryEvent;
}
