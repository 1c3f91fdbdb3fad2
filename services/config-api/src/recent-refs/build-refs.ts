import { isBuildEventKind, type RepositoryEvent } from '@herald/events';
import type { RecentRef } from '@herald/store';

/**
 * The trigger refs of the build events among `events` (build_queued … build_cancelled carry
 * `trigger_metadata.ref`), by repository, in the order consumed. Other kinds and builds without a
 * trigger ref are left out.
 */
export function buildRefsByRepository(events: Iterable<RepositoryEvent>): Map<string, RecentRef[]> {
  const out = new Map<string, RecentRef[]>();
  for (const e of events) {
    if (!isBuildEventKind(e.kind)) continue;
    const ref = (e.body as { trigger_metadata?: { ref?: string } }).trigger_metadata?.ref;
    if (!ref) continue;
    let list = out.get(e.repository);
    if (!list) out.set(e.repository, (list = []));
    list.push({ ref, at: new Date(e.occurred_at) });
  }
  return out;
}
