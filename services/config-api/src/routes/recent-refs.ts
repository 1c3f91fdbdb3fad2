import type { ApiDeps } from '../deps.js';
import { rfc2822 } from './user-notifications.js';

/**
 * `GET …/recentrefs`: the refs the repository's recent builds were triggered for, newest first, as
 * the recent-refs consumer recorded them. Like the notification list, a repository Herald has seen
 * nothing of answers an empty list (there is no repository catalogue to 404 from).
 */
export async function listRecentRefs(deps: ApiDeps, repository: string): Promise<{ refs: { ref: string; last_seen: string }[] }> {
  const refs = await deps.recentRefs.list(repository);
  return { refs: refs.map((r) => ({ ref: r.ref, last_seen: rfc2822(r.at instanceof Date ? r.at : new Date(r.at)) })) };
}
