import type { RepositoryEvent } from '@herald/events';
import { level, type Level } from './level.js';
import { messageHtml } from './message.js';
import { htmlToMrkdwn } from './mrkdwn.js';
import { summary } from './summary.js';
import { htmlToText } from './text.js';

/** Everything a delivery method needs to say about one event. */
export interface RenderedMessage {
  /** One line of plain text (SPEC §1). */
  summary: string;
  level: Level;
  /** Inline HTML, event text escaped. */
  html: string;
  /** Plain-text alternative of `html`. */
  text: string;
  /** `html` as Slack mrkdwn, event text escaped for Slack. */
  mrkdwn: string;
}

/** Renders an event once for every form the delivery methods use. */
export function renderEvent(event: RepositoryEvent): RenderedMessage {
  const html = messageHtml(event);
  return { summary: summary(event), level: level(event), html, text: htmlToText(html), mrkdwn: htmlToMrkdwn(html) };
}
