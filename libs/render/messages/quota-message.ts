import type { RepositoryEventOf } from '@herald/events';
import { clip } from '../clip.js';
import { html, link, type SafeHtml } from '../html.js';

/**
 * "Namespace acme storage usage has reached 80% of its quota limit." and the usage, as Quay's
 * `events/quota_warning.html` and `quota_error.html` say it. The namespace links to its page (the
 * event's homepage, `…/organization/<namespace>`).
 */
export function quotaMessage(event: RepositoryEventOf<'quota_warning' | 'quota_error'>): SafeHtml {
  const b = event.body;
  const namespace = html`<b>${link(event.homepage, clip(event.namespace, 300))}</b>`;
  const used = clip(b.usage_bytes_formatted, 100);
  const limit = clip(b.limit_bytes_formatted, 100);
  return event.kind === 'quota_warning'
    ? html`Namespace ${namespace} storage usage has reached <b>${b.threshold_percent}%</b> of its quota limit.<br>Current usage: ${b.usage_percent}% (${used} of ${limit}).`
    : html`Namespace ${namespace} storage usage has <b>exceeded</b> its quota limit (${b.usage_percent}%).<br>Current usage: ${used} of ${limit}. Image pushes may be rejected until storage usage is reduced.`;
}
