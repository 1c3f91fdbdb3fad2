import { configError, DeliveryError, timedOut, type Cancellation, type Sender } from '@herald/delivery';
import { HeraldError } from '@herald/errors';
import { isEmailAddress, type AuthorizedEmailStore } from '@herald/store';
import { emailMessage } from './email-message.js';
import type { Mailer } from './mailer.js';
import { classifySmtpError } from './smtp-error.js';

export interface EmailSenderOptions {
  mailer: Mailer;
  /** The authorized-email collection the config API maintains. */
  emails: Pick<AuthorizedEmailStore, 'isConfirmed'>;
  /** Domain of the stable Message-ID (`<delivery_id@domain>`). */
  messageIdDomain: string;
}

/** Rejects when the attempt is aborted: nodemailer takes no signal, and the attempt must end at its timeout. */
function abortable<T>(work: Promise<T>, cancel: Cancellation): Promise<T> {
  if (cancel.aborted) return Promise.reject(abortError(cancel));
  return new Promise<T>((resolve, reject) => {
    cancel.onAbort(() => reject(abortError(cancel)));
    work.then(
      (v) => {
        cancel.onAbort(undefined);
        resolve(v);
      },
      (err: unknown) => {
        cancel.onAbort(undefined);
        reject(err);
      },
    );
  });
}

function abortError(cancel: Cancellation): HeraldError {
  const late = timedOut(cancel);
  return new HeraldError(late ? 'SMTP_TIMEOUT' : 'SMTP_ABORTED', late ? 'no SMTP answer within the attempt timeout' : 'SMTP send aborted', {
    retriable: true,
    details: { errorClass: late ? 'timeout' : 'aborted' },
  });
}

/**
 * E-mail delivery (SPEC §3). Before every attempt the address must still be authorized and
 * confirmed for the repository: an authorization removed after the notification was created stops
 * the mail, permanently (dead-lettered with the reason). SMTP 4xx → retry, 5xx → dead letter.
 */
export function createEmailSender(opts: EmailSenderOptions): Sender {
  return {
    method: 'email',
    async send({ job, notification, cancel }) {
      const to = notification.config['email'];
      if (typeof to !== 'string' || !isEmailAddress(to)) throw configError('config.email is missing or not an e-mail address');
      if (!(await opts.emails.isConfirmed(notification.repository, to))) {
        throw new DeliveryError('EMAIL_NOT_AUTHORIZED', `${to} is not (or no longer) authorized and confirmed for ${notification.repository}`, {
          retriable: false,
          errorClass: 'email_unauthorized',
        });
      }
      const m = emailMessage(job.event, { to, title: notification.title, test: job.test });
      try {
        await abortable(
          opts.mailer.send({
            to,
            subject: m.subject,
            html: m.html,
            text: m.text,
            messageId: `<${job.delivery_id}@${opts.messageIdDomain}>`,
            // RFC 3834: automatic mail, so responders do not answer it.
            headers: { 'Auto-Submitted': 'auto-generated', 'X-Herald-Delivery-Id': job.delivery_id, 'X-Herald-Event': job.kind },
          }),
          cancel,
        );
      } catch (err) {
        throw err instanceof HeraldError ? err : classifySmtpError(err);
      }
      return {};
    },
  };
}
