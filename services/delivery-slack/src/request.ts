import type { RepositoryEvent } from '@herald/events';
import { escapeMrkdwn, escapeSlackText, renderEvent, slackColor } from '@herald/render';

/** The JSON an incoming webhook receives (SPEC §3, Quay's shape). */
export interface SlackPayload {
  text: string;
  username: string;
  attachments: [{ fallback: string; text: string; color: string; mrkdwn_in: ['text'] }];
}

/**
 * The Slack message for an event: the summary as text, the message as an mrkdwn attachment coloured
 * by level. Slack formats `text` too, so the summary is escaped for mrkdwn as well; `fallback` is
 * shown unformatted and only needs Slack's control characters escaped.
 */
export function slackPayload(event: RepositoryEvent, opts: { username: string }): SlackPayload {
  const r = renderEvent(event);
  return {
    text: escapeMrkdwn(r.summary),
    username: opts.username,
    attachments: [{ fallback: escapeSlackText(r.summary), text: r.mrkdwn, color: slackColor(r.level), mrkdwn_in: ['text'] }],
  };
}
