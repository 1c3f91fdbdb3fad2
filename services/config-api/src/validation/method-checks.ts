import { ValidationError } from '@herald/errors';
import { configKeys, type MethodModule } from '@herald/methods';
import { isEmailAddress, normalizeEmail } from '@herald/store';
import type { UrlMethod } from './destination-guard.js';
import { webhookTemplate } from './webhook-template.js';

/** Checks that need storage or the network; kept behind an interface so the rules stay unit-testable. */
export interface MethodConfigContext {
  repository: string;
  isEmailConfirmed(repository: string, email: string): Promise<boolean>;
  /** Refuses a URL the delivery service's SSRF guard would refuse (destination-guard.ts); none = no check. */
  checkDestination?(method: UrlMethod, field: string, url: string): Promise<void>;
}

type Config = Record<string, unknown>;

/** The schema says http(s) and a host; that the URL parses, and where it points, is checked here. */
async function postUrl(method: UrlMethod, url: string, ctx: MethodConfigContext): Promise<void> {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    throw new ValidationError('config.url', 'is not a well-formed URL');
  }
  if (u.hostname === '') throw new ValidationError('config.url', 'must name a host');
  await ctx.checkDestination?.(method, 'config.url', url);
}

/**
 * What a JSON Schema cannot say about a method's config, run after the schema of its module
 * (libs/methods) on the normalized config. A method without an entry has nothing beyond its schema.
 */
const CHECKS: Readonly<Record<string, (c: Config, ctx: MethodConfigContext) => Promise<Config>>> = {
  webhook: async (c, ctx) => {
    await postUrl('webhook', c['url'] as string, ctx);
    if (c['template'] !== undefined) webhookTemplate(c['template']);
    return c;
  },
  slack: async (c, ctx) => {
    await postUrl('slack', c['url'] as string, ctx);
    return c;
  },
  email: async (c, ctx) => {
    const raw = c['email'] as string;
    if (!isEmailAddress(raw.trim())) throw new ValidationError('config.email', 'must be a valid e-mail address');
    const address = normalizeEmail(raw);
    if (!(await ctx.isEmailConfirmed(ctx.repository, address))) {
      throw new ValidationError(
        'config.email',
        `${address} is not authorized for ${ctx.repository}: request authorization (POST …/authorizedemail/${address}) and confirm it first`,
      );
    }
    // The schema's other keys (rate_limit) stay; the address is stored normalized.
    return { ...c, email: address };
  },
};

/**
 * A schema-valid config as stored: only the keys of the method's schema (nothing unexpected, and
 * unmasked, is kept), in the module's canonical form, then the checks above.
 */
export async function checkMethodConfig(m: MethodModule, raw: Config, ctx: MethodConfigContext): Promise<Config> {
  const picked = Object.fromEntries(configKeys(m).filter((k) => raw[k] !== undefined).map((k) => [k, raw[k]]));
  const config = m.normalize ? m.normalize(picked) : picked;
  return (await CHECKS[m.method]?.(config, ctx)) ?? config;
}
