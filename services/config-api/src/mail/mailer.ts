import nodemailer from 'nodemailer';
import type { MailMessage } from './confirmation-mail.js';

export interface SmtpOptions {
  host: string;
  port: number;
  secure: boolean;
  user?: string | undefined;
  password?: string | undefined;
  from: string;
}

/** Sends confirmation mails. */
export interface ConfirmationMailer {
  send(msg: MailMessage): Promise<void>;
  close(): void;
}

/** An SMTP mailer (nodemailer); connects per message, so an SMTP outage never blocks startup. */
export function createSmtpMailer(opts: SmtpOptions): ConfirmationMailer {
  const transport = nodemailer.createTransport({
    host: opts.host,
    port: opts.port,
    secure: opts.secure,
    ...(opts.user ? { auth: { user: opts.user, pass: opts.password ?? '' } } : {}),
    connectionTimeout: 10_000,
    greetingTimeout: 10_000,
    socketTimeout: 20_000,
  });
  return {
    async send(msg) {
      await transport.sendMail({ from: opts.from, to: msg.to, subject: msg.subject, text: msg.text, html: msg.html });
    },
    close() {
      transport.close();
    },
  };
}
