import type { RepositoryEventOf } from '@herald/events';
import { clip } from '../clip.js';
import { html, link, multiline, type SafeHtml } from '../html.js';
import { repositoryLink, tagList } from './parts.js';

/** "jdoe pushed tags latest, v1 to repository acme/webapp." (Quay: "… pushed … in repository …"). */
export function pushMessage(event: RepositoryEventOf<'repo_push'>): SafeHtml {
  const tags = event.body.updated_tags;
  const who = event.performer ? html`<b>${clip(event.performer.name, 100)}</b> pushed` : tags.length > 0 ? 'Push of' : 'Push';
  const what = tags.length === 0 ? '' : html` ${tags.length === 1 ? 'tag' : 'tags'} ${tagList(tags, 20)}`;
  return html`${who}${what} to repository ${repositoryLink(event)}.`;
}

/** The vulnerability, its priority and link, the first tags it affects, and whether a fix exists. */
export function vulnerabilityMessage(event: RepositoryEventOf<'vulnerability_found'>): SafeHtml {
  const { tags, vulnerability: v } = event.body;
  const where = tags.length === 0 ? html`` : html` in ${tags.length === 1 ? 'tag' : 'tags'} ${tagList(tags, 3)} of`;
  return html`A <b>${v.priority}</b> vulnerability, <b>${link(v.link, clip(v.id, 100))}</b>, was detected${where} repository ${repositoryLink(event)}.${
    v.description ? html`<br>${clip(v.description, 500)}` : ''
  }<br>${v.has_fix ? 'A fix is available.' : 'No fix is available yet.'}`;
}

const MIRROR_OUTCOME = {
  repo_mirror_sync_started: 'started',
  repo_mirror_sync_success: 'succeeded',
  repo_mirror_sync_failed: 'failed',
} as const;

/** "Mirror sync of repository acme/webapp failed:" and the registry's message. */
export function mirrorMessage(
  event: RepositoryEventOf<'repo_mirror_sync_started' | 'repo_mirror_sync_success' | 'repo_mirror_sync_failed'>,
): SafeHtml {
  const message = event.body.message.trim();
  return html`Mirror sync of repository ${repositoryLink(event)} ${MIRROR_OUTCOME[event.kind]}${
    message ? html`:<br>${multiline(clip(message, 1000))}` : '.'
  }`;
}

/** "The following tags of repository acme/webapp are due to expire in 7 days:" and the tags. */
export function expiryMessage(event: RepositoryEventOf<'repo_image_expiry'>): SafeHtml {
  const { tags, expiring_in } = event.body;
  const when = expiring_in.trim() ? html`in <b>${clip(expiring_in.trim(), 50)}</b>` : html`soon`;
  return tags.length === 0
    ? html`Tags of repository ${repositoryLink(event)} are due to expire ${when}.`
    : html`The following ${tags.length === 1 ? 'tag' : 'tags'} of repository ${repositoryLink(event)} ${tags.length === 1 ? 'is' : 'are'} due to expire ${when}:<br>${tagList(tags, 20)}`;
}

