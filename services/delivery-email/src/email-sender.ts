import { configError, DeliveryError, timedOut, type Cancellation, type Sender } from '@herald/delivery';
import { HeraldError } from '@herald/errors';
import type { DeliveryJob } from '@herald/events';
import type { Logger } from '@herald/logger';
import { isEmailAddress, type AuthorizedEmailStore } from '@herald/store';
import { disabledAlertMessage, emailMessage, type DisabledAlert, type EmailMessage } from './email-message.js';
import type { Mailer } from './mailer.js';
import { classifySmtpError } from './smtp-error.js';

export interface EmailSenderOptions {
  mailer: Mailer;
  /** The authorized-email collection the config API maintains. */
  emails: Pick<AuthorizedEmailStore, 'isConfirmed' | 'confirmedFor'>;
  logger?: Logger;
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

/** The alert's data, checked: a damaged alert is dead-lettered, not mailed half-filled. */
function alertData(raw: string): DisabledAlert {
  let d: Partial<DisabledAlert>;
  try {
    d = JSON.parse(raw) as Partial<DisabledAlert>;
  } catch (err) {
    throw configError('alert.data is not JSON', err);
  }
  if (typeof d?.repository !== 'string' || typeof d.reason !== 'string' || typeof d.method !== 'string' || typeof d.event !== 'string') {
    throw configError('alert.data lacks repository, reason, method or event');
  }
  return { ...d, notification_uuid: String(d.notification_uuid ?? ''), title: d.title ?? null, number_of_failures: Number(d.number_of_failures ?? 0) } as DisabledAlert;
}

/**
 * E-mail delivery (SPEC §3). Before every attempt the address must still be authorized and
 * confirmed for the repository: an authorization removed after the notification was created stops
 * the mail, permanently (dead-lettered with the reason). SMTP 4xx → retry, 5xx → dead letter.
 */
export function createEmailSender(opts: EmailSenderOptions): Sender {
  const deliver = async (job: DeliveryJob, to: string, m: EmailMessage, messageId: string, cancel: Cancellation) => {
    try {
      await abortable(
        opts.mailer.send({
          to,
          subject: m.subject,
          html: m.html,
          text: m.text,
          messageId,
          // RFC 3834: automatic mail, so responders do not answer it.
          headers: { 'Auto-Submitted': 'auto-generated', 'X-Herald-Delivery-Id': job.delivery_id, 'X-Herald-Event': job.alert ? job.alert.kind : job.kind },
        }),
        cancel,
      );
    } catch (err) {
      throw err instanceof HeraldError ? err : classifySmtpError(err);
    }
  };
  return {
    method: 'email',
    async send({ job, notification, cancel }) {
      if (job.alert) {
        // Herald's own alert (a notification was disabled): to every address confirmed for the
        // repository, one mail each (they do not see each other), none when there is none.
        const data = alertData(job.alert.data);
        const recipients = await opts.emails.confirmedFor(data.repository);
        for (const [i, to] of recipients.entries()) {
          await deliver(job, to, disabledAlertMessage(data, { to, homepage: job.event.homepage }), `<${job.delivery_id}.${i}@${opts.messageIdDomain}>`, cancel);
        }
        opts.logger?.info({ deliveryId: job.delivery_id, repository: data.repository, recipients: recipients.length }, 'disable alert e-mailed');
        return {};
      }
      const to = notification.config['email'];
      if (typeof to !== 'string' || !isEmailAddress(to)) throw configError('config.email is missing or not an e-mail address');
      if (!(await opts.emails.isConfirmed(notification.repository, to))) {
        throw new DeliveryError('EMAIL_NOT_AUTHORIZED', `${to} is not (or no longer) authorized and confirmed for ${notification.repository}`, {
          retriable: false,
          errorClass: 'email_unauthorized',
        });
      }
      await deliver(job, to, emailMessage(job.event, { to, title: notification.title, test: job.test }), `<${job.delivery_id}@${opts.messageIdDomain}>`, cancel);
      return {};
    },
  };
}
