import { randomUUID } from 'node:crypto';
import type { Kafka } from '@herald/kafka';
import type { Logger } from '@herald/logger';

/** Leftover groups younger than this are left alone: a group being joined is briefly empty. */
export const STALE_VIEW_GROUP_AGE_MS = 60_000;

const UUID = '[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}';

/**
 * A view's own consumer group: `<prefix>-<created, epoch ms base 36>-<uuid>`. kafkajs has no
 * group-less assign(), so every view process needs a group of its own to read the whole feed; the
 * creation time in the name lets a later start tell a crashed process's leftover from a group
 * that is being joined right now.
 */
export function viewGroupId(prefix: string, now = Date.now()): string {
  return `${prefix}-${now.toString(36)}-${randomUUID()}`;
}

/**
 * When the group was created, if it is a view group of `prefix`: epoch ms, or 0 for the older
 * `<prefix>-<uuid>` names (age unknown); undefined for any other group.
 */
export function viewGroupCreatedAt(prefix: string, groupId: string): number | undefined {
  if (!groupId.startsWith(`${prefix}-`)) return undefined;
  // Epoch ms in base 36 has 8 digits from 1973 to 2059: a word such as `view` is not a time.
  const m = new RegExp(`^(?:([0-9a-z]{8,9})-)?${UUID}$`).exec(groupId.slice(prefix.length + 1));
  if (!m) return undefined;
  if (m[1] === undefined) return 0;
  const t = parseInt(m[1], 36);
  return Number.isFinite(t) ? t : undefined;
}

/**
 * Deletes the view groups of `prefix` left behind by processes that did not stop cleanly: those
 * older than `minAgeMs` with no members (state Empty or Dead). Groups of running views have a
 * member and are kept. Failures are logged, never thrown: housekeeping must not stop a start.
 */
export async function deleteStaleViewGroups(kafka: Kafka, prefix: string, logger: Logger, minAgeMs = STALE_VIEW_GROUP_AGE_MS, now = Date.now()): Promise<string[]> {
  const admin = kafka.admin();
  try {
    await admin.connect();
    const { groups } = await admin.listGroups();
    const old = groups
      .map((g) => g.groupId)
      .filter((id) => {
        const created = viewGroupCreatedAt(prefix, id);
        return created !== undefined && now - created >= minAgeMs;
      });
    if (old.length === 0) return [];
    const described = await admin.describeGroups(old);
    const stale = described.groups.filter((g) => (g.state === 'Empty' || g.state === 'Dead') && g.members.length === 0).map((g) => g.groupId);
    if (stale.length === 0) return [];
    const failed = await admin.deleteGroups(stale).then(
      () => new Set<string>(),
      (err: { groups?: { groupId: string }[] }) => {
        // Another start may have deleted some, or a member joined meanwhile: the rest are gone.
        if (!Array.isArray(err.groups)) throw err;
        return new Set(err.groups.map((g) => g.groupId));
      },
    );
    const deleted = stale.filter((id) => !failed.has(id));
    if (deleted.length > 0) logger.info({ groups: deleted }, 'stale subscription view groups deleted');
    return deleted;
  } catch (err) {
    logger.warn({ err, prefix }, 'stale subscription view groups not deleted');
    return [];
  } finally {
    await admin.disconnect().catch(() => undefined);
  }
}

/** Deletes one view's group after its consumer left it. Logged, not thrown. */
export async function deleteViewGroup(kafka: Kafka, groupId: string, logger: Logger): Promise<void> {
  const admin = kafka.admin();
  try {
    await admin.connect();
    await admin.deleteGroups([groupId]);
  } catch (err) {
    logger.warn({ err, groupId }, 'subscription view group not deleted');
  } finally {
    await admin.disconnect().catch(() => undefined);
  }
}
