import nodemailer from 'nodemailer';

export interface SmtpOptions {
  host: string;
  port: number;
  secure: boolean;
  user?: string | undefined;
  password?: string | undefined;
  from: string;
  /** Pooled connections to the relay. */
  maxConnections: number;
}

/** One notification mail, ready to send. */
export interface OutgoingMail {
  to: string;
  subject: string;
  html: string;
  text: string;
  /** Stable per delivery, so a redelivered mail carries the same Message-ID and can be de-duplicated. */
  messageId: string;
  headers: Record<string, string>;
}

/** Sends mail; rejects with nodemailer's error (see classifySmtpError). */
export interface Mailer {
  send(mail: OutgoingMail): Promise<void>;
  close(): void;
}

/**
 * A pooled SMTP mailer: a few long-lived connections to the relay shared by all attempts, instead
 * of a TCP and TLS handshake per notification. Connects lazily, so an SMTP outage never blocks startup.
 */
export function createSmtpMailer(opts: SmtpOptions): Mailer {
  const transport = nodemailer.createTransport({
    pool: true,
    maxConnections: opts.maxConnections,
    host: opts.host,
    port: opts.port,
    secure: opts.secure,
    ...(opts.user ? { auth: { user: opts.user, pass: opts.password ?? '' } } : {}),
    connectionTimeout: 10_000,
    greetingTimeout: 10_000,
    socketTimeout: 30_000,
  });
  return {
    async send(mail) {
      await transport.sendMail({
        from: opts.from,
        to: mail.to,
        subject: mail.subject,
        html: mail.html,
        text: mail.text,
        messageId: mail.messageId,
        headers: mail.headers,
      });
    },
    close() {
      transport.close();
    },
  };
}
