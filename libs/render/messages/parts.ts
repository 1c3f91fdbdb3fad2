import { isBuildEventKind, type RepositoryEvent } from '@herald/events';
import { clip } from '../clip.js';
import { html, join, link, type SafeHtml } from '../html.js';

/** Longest tag name shown (registry tags are at most 128 characters). */
const MAX_TAG_CHARS = 128;

/**
 * The repository's web page. Build events carry the build's page as `homepage`
 * (`…/build/<id>`); the repository page is that without the suffix.
 */
export function repositoryPage(event: RepositoryEvent): string {
  if (!isBuildEventKind(event.kind)) return event.homepage;
  const suffix = `/build/${(event.body as { build_id: string }).build_id}`;
  return event.homepage.endsWith(suffix) ? event.homepage.slice(0, -suffix.length) : event.homepage;
}

/** The repository name, linked to its page (bold outside the link: Slack only bolds links that way). */
export function repositoryLink(event: RepositoryEvent): SafeHtml {
  return html`<b>${link(repositoryPage(event), clip(event.repository, 300))}</b>`;
}

/** `<b>a</b>, <b>b</b> and 3 more`: at most `max` tags shown. */
export function tagList(tags: readonly string[], max: number): SafeHtml {
  const shown = tags.slice(0, max).map((t) => html`<b>${clip(t, MAX_TAG_CHARS)}</b>`);
  const list = join(shown, ', ');
  return tags.length > max ? html`${list} and ${tags.length - max} more` : list;
}
