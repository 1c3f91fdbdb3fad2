import { bool, int, optionalStr, parseConfig, str } from '@herald/config';
import { deliveryShape } from '@herald/delivery';

export const emailShape = {
  ...deliveryShape('delivery-email', 9411),
  SMTP_HOST: str('127.0.0.1'),
  SMTP_PORT: int(25, 1, 65_535),
  /** TLS from the first byte (port 465); otherwise STARTTLS is used when the server offers it. */
  SMTP_SECURE: bool(false),
  SMTP_USER: optionalStr(),
  SMTP_PASSWORD: optionalStr(),
  SMTP_FROM: str('Herald <herald@localhost>'),
  SMTP_MAX_CONNECTIONS: int(5, 1, 100),
  /** Right-hand side of the stable Message-ID `<delivery_id@domain>`. */
  EMAIL_MESSAGE_ID_DOMAIN: str('herald.localhost'),
};

export type EmailConfig = ReturnType<typeof loadConfig>;

export function loadConfig(env: NodeJS.ProcessEnv = process.env) {
  return parseConfig(emailShape, env);
}
