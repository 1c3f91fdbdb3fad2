import type { Logger } from '@herald/logger';
import { AuthorizedEmailStore } from '@herald/store';
import { createDeliveryApp, type DeliveryApp } from '@herald/delivery';
import type { EmailConfig } from './config.js';
import { createEmailSender } from './email-sender.js';
import { createSmtpMailer } from './mailer.js';

export { loadConfig } from './config.js';
export type { EmailConfig } from './config.js';
export type { DeliveryApp } from '@herald/delivery';

/** The e-mail delivery service: the shared delivery runtime with the SMTP sender. */
export function createApp(config: EmailConfig, logger: Logger): DeliveryApp {
  const mailer = createSmtpMailer({
    host: config.SMTP_HOST,
    port: config.SMTP_PORT,
    secure: config.SMTP_SECURE,
    user: config.SMTP_USER,
    password: config.SMTP_PASSWORD,
    from: config.SMTP_FROM,
    maxConnections: config.SMTP_MAX_CONNECTIONS,
  });
  return createDeliveryApp({
    service: 'delivery-email',
    method: 'email',
    config,
    logger,
    sender: (db) => createEmailSender({ mailer, emails: new AuthorizedEmailStore(db), messageIdDomain: config.EMAIL_MESSAGE_ID_DOMAIN, logger }),
    close: () => mailer.close(),
  });
}
