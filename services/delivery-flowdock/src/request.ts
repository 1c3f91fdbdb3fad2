import type { RepositoryEvent } from '@herald/events';
import { cleanText, renderEvent } from '@herald/render';

/** The JSON Flowdock's Team Inbox API takes (SPEC §3, Quay's shape). */
export interface FlowdockPayload {
  source: string;
  from_address: string;
  subject: string;
  content: string;
  from_name: string;
  project: string;
  tags: [string];
  link: string;
}

export interface FlowdockOptions {
  /** e.g. `https://api.flowdock.com`; a path prefix is kept. */
  apiUrl: string;
  token: string;
  source: string;
  fromAddress: string;
}

/**
 * `POST {api}/v1/messages/team_inbox/<token>`. The token is one path segment, encoded, so a token
 * cannot move the request elsewhere on the API host.
 */
export function flowdockUrl(apiUrl: string, token: string): string {
  return `${apiUrl.replace(/\/+$/, '')}/v1/messages/team_inbox/${encodeURIComponent(token)}`;
}

/**
 * The Team Inbox message of an event: subject = summary, content = the HTML message, from the
 * repository's namespace (Quay used the namespace owner's name), project "<ns> <repo>", tagged with
 * the event kind and linked to the event's page.
 */
export function flowdockPayload(event: RepositoryEvent, opts: Pick<FlowdockOptions, 'source' | 'fromAddress'>): FlowdockPayload {
  const r = renderEvent(event);
  return {
    source: opts.source,
    from_address: opts.fromAddress,
    subject: r.summary,
    content: r.html,
    from_name: cleanText(event.namespace),
    project: cleanText(`${event.namespace} ${event.name}`),
    tags: [`#${event.kind}`],
    link: event.homepage,
  };
}
