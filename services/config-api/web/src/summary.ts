/**
 * A one-line summary of an in-app notification, worded as SPEC §1 words each event's summary.
 * The in-app API returns the event data (the flat Quay payload) and its kind, not rendered text, so
 * the page derives the line itself. Plain text: the caller renders it with textContent.
 */
const BUILD_VERB: Record<string, string> = {
  build_queued: 'Build queued',
  build_start: 'Build started',
  build_success: 'Build succeeded',
  build_failure: 'Build failure',
  build_cancelled: 'Build cancelled',
};

const MIRROR_VERB: Record<string, string> = {
  repo_mirror_sync_started: 'started',
  repo_mirror_sync_success: 'success',
  repo_mirror_sync_failed: 'failed',
};

const MAX_LENGTH = 200;

function text(v: unknown): string {
  return typeof v === 'string' || typeof v === 'number' ? String(v) : '';
}

function oneLine(s: string): string {
  const t = s.replace(/\s+/g, ' ').trim();
  return t.length > MAX_LENGTH ? `${t.slice(0, MAX_LENGTH - 1)}…` : t;
}

export function inAppSummary(kind: string, data: Record<string, unknown>, repository: string): string {
  const repo = text(data['repository']) || repository;
  if (kind in BUILD_VERB) return oneLine(`${BUILD_VERB[kind]} for repository ${repo} [${text(data['build_id']).slice(0, 7)}]`);
  if (kind in MIRROR_VERB) return oneLine(`Repository Mirror ${MIRROR_VERB[kind]} for ${text(data['message'])}`);
  switch (kind) {
    case 'repo_push':
      return oneLine(`Repository ${repo} updated`);
    case 'vulnerability_found': {
      const v = (data['vulnerability'] ?? {}) as Record<string, unknown>;
      const tags = Array.isArray(data['tags']) ? data['tags'].length : 0;
      return oneLine(`${text(v['priority']) || 'A'} vulnerability detected in repository ${repo} in ${tags} tags`);
    }
    case 'repo_image_expiry':
      return oneLine(`Repository ${repo} image(s) expiring`);
    // Quota events are namespace events: their data names the namespace, not a repository.
    case 'quota_warning':
      return oneLine(`Namespace ${text(data['namespace'])} storage usage has reached ${text(data['threshold_percent'])}% of its quota limit`);
    case 'quota_error':
      return oneLine(`Namespace ${text(data['namespace'])} storage usage has exceeded its quota limit (${text(data['usage_percent'])}%)`);
    case 'notification_disabled': {
      const title = text(data['title']);
      return oneLine(`Notification ${title ? `“${title}” ` : ''}on ${repo} was disabled after failed deliveries`);
    }
    default:
      return oneLine(`${kind} in repository ${repo}`);
  }
}

/** The event's tags or updated tags, when it names any: shown under the summary. */
export function inAppTags(data: Record<string, unknown>): string[] {
  for (const key of ['updated_tags', 'tags', 'docker_tags']) {
    const v = data[key];
    if (Array.isArray(v)) return v.map(text).filter((t) => t !== '');
  }
  return [];
}
