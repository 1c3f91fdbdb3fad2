import type { RepositoryEvent } from '@herald/events';
import { clip } from './clip.js';
import { cleanText } from './html.js';

// Event text is squeezed onto one line: a summary becomes an e-mail subject and a chat headline.
function oneLine(s: string, max = 200): string {
  return clip(cleanText(s).replace(/\s+/g, ' ').trim(), max);
}

const BUILD_VERB = {
  build_queued: 'Build queued',
  build_start: 'Build started',
  build_success: 'Build succeeded',
  build_failure: 'Build failure',
  build_cancelled: 'Build cancelled',
} as const;

const MIRROR_VERB = {
  repo_mirror_sync_started: 'started',
  repo_mirror_sync_success: 'success',
  repo_mirror_sync_failed: 'failed',
} as const;

/**
 * The one-line summary of an event, exactly as SPEC §1 (and Quay) words it: the e-mail subject, the
 * Slack text and the Flowdock subject. Plain text: escape it for whatever carries it.
 */
export function summary(event: RepositoryEvent): string {
  const repository = oneLine(event.repository, 300);
  switch (event.kind) {
    case 'repo_push':
      return `Repository ${repository} updated`;
    case 'build_queued':
    case 'build_start':
    case 'build_success':
    case 'build_failure':
    case 'build_cancelled':
      return `${BUILD_VERB[event.kind]} for repository ${repository} [${oneLine(event.body.build_id).slice(0, 7)}]`;
    case 'vulnerability_found':
      return `${event.body.vulnerability.priority} vulnerability detected in repository ${repository} in ${event.body.tags.length} tags`;
    case 'repo_mirror_sync_started':
    case 'repo_mirror_sync_success':
    case 'repo_mirror_sync_failed':
      return `Repository Mirror ${MIRROR_VERB[event.kind]} for ${oneLine(event.body.message)}`;
    case 'repo_image_expiry':
      return `Repository ${repository} image(s) expiring`;
    case 'quota_warning':
      return `Namespace ${oneLine(event.namespace, 300)} storage usage has reached ${event.body.threshold_percent}% of its quota limit`;
    case 'quota_error':
      return `Namespace ${oneLine(event.namespace, 300)} storage usage has exceeded its quota limit (${event.body.usage_percent}%)`;
  }
}
