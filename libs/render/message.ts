import type { RepositoryEvent } from '@herald/events';
import type { SafeHtml } from './html.js';
import { buildMessage } from './messages/build-message.js';
import { expiryMessage, mirrorMessage, pushMessage, vulnerabilityMessage } from './messages/other-messages.js';
import { quotaMessage } from './messages/quota-message.js';

function messageOf(event: RepositoryEvent): SafeHtml {
  switch (event.kind) {
    case 'repo_push':
      return pushMessage(event);
    case 'build_queued':
    case 'build_start':
    case 'build_success':
    case 'build_failure':
    case 'build_cancelled':
      return buildMessage(event);
    case 'vulnerability_found':
      return vulnerabilityMessage(event);
    case 'repo_mirror_sync_started':
    case 'repo_mirror_sync_success':
    case 'repo_mirror_sync_failed':
      return mirrorMessage(event);
    case 'repo_image_expiry':
      return expiryMessage(event);
    case 'quota_warning':
    case 'quota_error':
      return quotaMessage(event);
  }
}

/**
 * The HTML message of an event: an inline fragment (`a`, `b`, `i`, `code`, `br` only) that HipChat,
 * Flowdock and e-mail show as is and that converts to mrkdwn and plain text. Every event-supplied
 * string in it is escaped, and links are only ever http(s).
 */
export function messageHtml(event: RepositoryEvent): string {
  return messageOf(event).value;
}
