import type { DisabledAlertData } from '@herald/delivery';
import type { RepositoryEvent } from '@herald/events';
import { cleanText, EMAIL_COLORS, html, link, renderEvent, SafeHtml } from '@herald/render';

/** One notification e-mail: subject = summary, an HTML part and its plain-text alternative. */
export interface EmailMessage {
  subject: string;
  html: string;
  text: string;
}

export interface EmailContext {
  /** The recipient, named in the footer so a forwarded mail still says why it was sent. */
  to: string;
  /** The notification's title, when it has one. */
  title?: string | null | undefined;
  /** A "test notification" delivery. */
  test?: boolean;
}

/**
 * The e-mail of an event, laid out like Quay's: the summary as heading, the event's message, a link to
 * the repository page, and a footer saying why the reader gets it. Event text is escaped throughout.
 */
export function emailMessage(event: RepositoryEvent, ctx: EmailContext): EmailMessage {
  const r = renderEvent(event);
  const why = `You are receiving this because ${ctx.to} is authorized for notifications of repository ${event.repository}`;
  const footer = ctx.title ? `${why} (notification "${ctx.title}").` : `${why}.`;
  const testNote = ctx.test ? 'This is a test notification.' : '';
  const body = html`<!DOCTYPE html>
<html><head><meta charset="utf-8"><title>${r.summary}</title></head>
<body style="font-family: -apple-system, 'Segoe UI', Helvetica, Arial, sans-serif; font-size: 14px; color: #333;">
<div style="border-top: 4px solid ${EMAIL_COLORS[r.level]}; padding: 8px 0;">
<h2 style="font-size: 18px; margin: 8px 0;">${r.summary}</h2>
${testNote ? html`<p><i>${testNote}</i></p>` : ''}<p style="line-height: 1.5;">${new SafeHtml(r.html)}</p>
<p>${link(event.homepage, 'View in the registry')}</p>
</div>
<p style="color: #777; font-size: 12px;">${footer}</p>
</body></html>
`;
  const text = [r.summary, testNote, r.text, `View in the registry: ${event.homepage}`, `--\n${footer}`].filter((s) => s !== '').join('\n\n');
  // The footer's repository, title and link are not rendered by renderEvent: neutralize the whole part.
  return { subject: r.summary, html: body.value, text: `${cleanText(text)}\n` };
}

/** What the alert of a disabled notification says (the job's `alert.data`). */
export type DisabledAlert = Omit<DisabledAlertData, 'disabled_at'>;

/**
 * The e-mail sent when a notification was disabled (SPEC §4: disabling is not silent), to an
 * address confirmed for the repository. Every value from the notification is escaped.
 */
export function disabledAlertMessage(a: DisabledAlert, ctx: { to: string; homepage: string }): EmailMessage {
  const name = a.title ? `"${a.title}"` : `${a.method} notification ${a.notification_uuid}`;
  const subject = cleanText(`Notification ${name} of ${a.repository} was disabled`.replace(/[\x00-\x1f\x7f]+/g, ' '));
  const action = 'A repository admin can re-enable it after fixing the endpoint (reset in the notification settings).';
  const footer = `You are receiving this because ${ctx.to} is authorized for notifications of repository ${a.repository}.`;
  const body = html`<!DOCTYPE html>
<html><head><meta charset="utf-8"><title>${subject}</title></head>
<body style="font-family: -apple-system, 'Segoe UI', Helvetica, Arial, sans-serif; font-size: 14px; color: #333;">
<div style="border-top: 4px solid ${EMAIL_COLORS.error}; padding: 8px 0;">
<h2 style="font-size: 18px; margin: 8px 0;">${subject}</h2>
<p style="line-height: 1.5;">Herald stopped delivering ${a.event} events of <b>${a.repository}</b> by ${a.method} (${name}) after ${a.number_of_failures} failed deliveries.</p>
<p style="line-height: 1.5;">Reason: ${a.reason}</p>
<p>${action}</p>
<p>${link(ctx.homepage, 'View the repository in the registry')}</p>
</div>
<p style="color: #777; font-size: 12px;">${footer}</p>
</body></html>
`;
  const text = [
    subject,
    `Herald stopped delivering ${a.event} events of ${a.repository} by ${a.method} (${name}) after ${a.number_of_failures} failed deliveries.`,
    `Reason: ${a.reason}`,
    action,
    `View the repository in the registry: ${ctx.homepage}`,
    `--\n${footer}`,
  ].join('\n\n');
  return { subject, html: body.value, text: `${cleanText(text)}\n` };
}
