import type { BuildQueuedBody, BuildFailureBody, RepositoryEvent, TriggerMetadata } from '@herald/events';
import { clip, firstLine } from '../clip.js';
import { html, link, multiline, type SafeHtml } from '../html.js';
import { repositoryLink, tagList } from './parts.js';

type BuildEvent = Extract<RepositoryEvent, { kind: 'build_queued' | 'build_start' | 'build_success' | 'build_failure' | 'build_cancelled' }>;

const OUTCOME: Record<BuildEvent['kind'], string> = {
  build_queued: 'queued',
  build_start: 'started',
  build_success: 'succeeded',
  build_failure: 'failed',
  build_cancelled: 'cancelled',
};

/** `branch <b>main</b>` for refs/heads/main, `tag <b>v1</b>` for refs/tags/v1, else the ref itself. */
function refHtml(ref: string): SafeHtml {
  const m = /^refs\/(heads|tags)\/(.+)$/.exec(ref);
  if (!m) return html`<b>${clip(ref, 200)}</b>`;
  return html`${m[1] === 'tags' ? 'tag' : 'branch'} <b>${clip(m[2] ?? '', 200)}</b>`;
}

/** What the build was made from: a commit (with branch or tag and author), a trigger, or an upload. */
function origin(body: BuildEvent['body']): SafeHtml {
  const tm: TriggerMetadata | undefined = body.trigger_metadata;
  if (tm?.commit) {
    const sha = html`<code>${clip(tm.commit, 40).slice(0, 7)}</code>`;
    const author = tm.commit_info?.author;
    return html` for commit ${link(tm.commit_info?.url, sha)}${tm.ref ? html` on ${refHtml(tm.ref)}` : ''}${
      author ? html` by ${link(author.url, clip(author.username, 100))}` : ''
    }`;
  }
  if (tm?.ref) return html` for ${refHtml(tm.ref)}`;
  if (body.trigger_kind) return html` from a ${clip(body.trigger_kind, 50)} trigger`;
  return html` for an uploaded Dockerfile`;
}

function manualNote(event: BuildEvent): SafeHtml | '' {
  if (event.kind !== 'build_queued') return '';
  const body: BuildQueuedBody = event.body;
  return body.is_manual && body.manual_user ? html`, started manually by <b>${clip(body.manual_user, 100)}</b>` : '';
}

/**
 * A build event as Quay words it: "Build 8c2f6a1 failed for commit 42d4a62 on branch main by jdoe in
 * repository acme/webapp", then the commit message, the tags and any error.
 */
export function buildMessage(event: BuildEvent): SafeHtml {
  const body = event.body;
  const id = clip(body.build_id, 100).slice(0, 7);
  const message = body.trigger_metadata?.commit_info?.message;
  const error = event.kind === 'build_failure' ? (body as BuildFailureBody).error_message : undefined;
  return html`<b>${link(event.homepage, `Build ${id}`)}</b> ${OUTCOME[event.kind]}${origin(body)}${manualNote(event)} in repository ${repositoryLink(event)}.${
    message ? html`<br><i>${clip(firstLine(message), 200)}</i>` : ''
  }${body.docker_tags.length > 0 ? html`<br>Tags: ${tagList(body.docker_tags, 10)}` : ''}${
    error ? html`<br><b>Error:</b> ${multiline(clip(error, 1000))}` : ''
  }`;
}
