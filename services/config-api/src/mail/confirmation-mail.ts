import { escapeHtml } from '../present/html.js';

export interface MailMessage {
  to: string;
  subject: string;
  text: string;
  html: string;
}

/** The link a recipient follows to confirm an authorization. */
export function confirmationLink(publicUrl: string, code: string): string {
  return `${publicUrl}/authrepoemail?code=${encodeURIComponent(code)}`;
}

/** The e-mail asking `email` to confirm that it may receive `repository`'s notifications. */
export function confirmationMail(email: string, repository: string, link: string): MailMessage {
  const subject = `Confirm notifications for repository ${repository}`;
  const text = [
    `Someone with admin rights on the repository ${repository} asked to send its notifications to this address.`,
    '',
    `To confirm, open: ${link}`,
    '',
    'If you did not expect this, ignore this e-mail: nothing will be sent until you confirm.',
  ].join('\n');
  const html = `<p>Someone with admin rights on the repository <strong>${escapeHtml(repository)}</strong> asked to send its notifications to this address.</p>
<p><a href="${escapeHtml(link)}">Confirm this e-mail address</a></p>
<p>If you did not expect this, ignore this e-mail: nothing will be sent until you confirm.</p>`;
  return { to: email, subject, text, html };
}
