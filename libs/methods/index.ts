import type { MethodModule } from './method-module.js';
import { email } from './email/index.js';
import { flowdock } from './flowdock/index.js';
import { hipchat } from './hipchat/index.js';
import { quayNotification } from './quay-notification/index.js';
import { slack } from './slack/index.js';
import { webhook } from './webhook/index.js';

export type { FieldKind, FieldSpec, MethodModule } from './method-module.js';
export { MASK, maskPath, maskSlackUrl, maskWebhookUrl } from './mask.js';
export { HttpUrl, MAX_NAME_LENGTH, MAX_RATE_LIMIT, MAX_TOKEN_LENGTH, MAX_URL_LENGTH, RATE_LIMIT_FIELD, RateLimit, Token } from './shared-schemas.js';
export { TARGET_KINDS } from './quay-notification/index.js';

/**
 * Every delivery method, in the order the admin page offers them. libs/kafka's DELIVERY_METHODS
 * (the topics) lists the same names; a test keeps them equal.
 */
export const METHOD_MODULES: readonly MethodModule[] = [quayNotification, email, webhook, flowdock, hipchat, slack];

const BY_NAME = new Map(METHOD_MODULES.map((m) => [m.method, m]));

export function methodModule(method: string): MethodModule | undefined {
  return BY_NAME.get(method);
}

/** A method config as shown in listings: each secret field of the method's module masked (SPEC §3). */
export function maskConfig(method: string, config: Record<string, unknown>): Record<string, unknown> {
  const out = { ...config };
  for (const [key, mask] of Object.entries(methodModule(method)?.secrets ?? {})) {
    const v = out[key];
    if (typeof v === 'string') out[key] = mask(v);
    else if (v !== undefined) out[key] = mask('');
  }
  return out;
}

/** The keys of a method's config schema: what is stored of a request's `config`. */
export function configKeys(m: MethodModule): string[] {
  return Object.keys(m.config.properties);
}
