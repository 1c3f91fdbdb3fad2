import { ValidationError } from '@herald/errors';
import type { DeliveryMethod } from '@herald/kafka';
import { INAPP_TARGET_KINDS, isEmailAddress, normalizeEmail } from '@herald/store';
import { httpUrl } from './http-url.js';
import { webhookTemplate } from './webhook-template.js';

const MAX_TOKEN_LENGTH = 512;
const MAX_NAME_LENGTH = 255;

/** Checks that need storage; kept behind an interface so the rules stay unit-testable. */
export interface MethodConfigContext {
  repository: string;
  isEmailConfirmed(repository: string, email: string): Promise<boolean>;
  /** Refuses a URL the delivery service's SSRF guard would refuse (destination-guard.ts); none = no check. */
  checkDestination?(method: 'webhook' | 'slack', field: string, url: string): Promise<void>;
}

async function postUrl(method: 'webhook' | 'slack', raw: unknown, ctx: MethodConfigContext): Promise<string> {
  const url = httpUrl('config.url', raw);
  await ctx.checkDestination?.(method, 'config.url', url);
  return url;
}

function token(field: string, raw: unknown): string {
  if (typeof raw !== 'string' || raw.trim() === '') throw new ValidationError(field, 'is required and must be a non-empty string');
  if (raw.length > MAX_TOKEN_LENGTH) throw new ValidationError(field, `must be at most ${MAX_TOKEN_LENGTH} characters`);
  if (/[\s\p{Cc}]/u.test(raw)) throw new ValidationError(field, 'must not contain whitespace or control characters');
  return raw;
}

function roomId(raw: unknown): string {
  const s = typeof raw === 'number' && Number.isSafeInteger(raw) && raw >= 0 ? String(raw) : raw;
  if (typeof s !== 'string' || !/^\d{1,20}$/.test(s)) throw new ValidationError('config.room_id', 'is required and must be digits');
  return s;
}

function target(raw: unknown): { kind: string; name: string } {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    throw new ValidationError('config.target', 'is required and must be an object {kind, name}');
  }
  const { kind, name } = raw as Record<string, unknown>;
  if (typeof kind !== 'string' || !(INAPP_TARGET_KINDS as readonly string[]).includes(kind)) {
    throw new ValidationError('config.target.kind', `must be one of ${INAPP_TARGET_KINDS.join(', ')}`);
  }
  if (typeof name !== 'string' || name.trim() === '' || name.length > MAX_NAME_LENGTH || /\p{Cc}/u.test(name)) {
    throw new ValidationError('config.target.name', `is required and must be a name of at most ${MAX_NAME_LENGTH} characters`);
  }
  return { kind, name };
}

async function email(raw: unknown, ctx: MethodConfigContext): Promise<string> {
  if (typeof raw !== 'string' || !isEmailAddress(raw.trim())) throw new ValidationError('config.email', 'must be a valid e-mail address');
  const address = normalizeEmail(raw);
  if (!(await ctx.isEmailConfirmed(ctx.repository, address))) {
    throw new ValidationError(
      'config.email',
      `${address} is not authorized for ${ctx.repository}: request authorization (POST …/authorizedemail/${address}) and confirm it first`,
    );
  }
  return address;
}

/**
 * Validates a method's `config` (SPEC §3) and returns it normalized. Only the keys the method uses
 * are kept, so nothing unexpected (and unmasked) is stored.
 */
export async function validateMethodConfig(
  method: DeliveryMethod,
  raw: unknown,
  ctx: MethodConfigContext,
): Promise<Record<string, unknown>> {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) throw new ValidationError('config', 'must be an object');
  const c = raw as Record<string, unknown>;
  switch (method) {
    case 'webhook': {
      const url = await postUrl('webhook', c['url'], ctx);
      const t = c['template'];
      return t === undefined || t === null || t === '' ? { url } : { url, template: webhookTemplate(t) };
    }
    case 'slack':
      return { url: await postUrl('slack', c['url'], ctx) };
    case 'email':
      return { email: await email(c['email'], ctx) };
    case 'flowdock':
      return { flow_api_token: token('config.flow_api_token', c['flow_api_token']) };
    case 'hipchat':
      return { room_id: roomId(c['room_id']), notification_token: token('config.notification_token', c['notification_token']) };
    case 'quay_notification':
      return { target: target(c['target']) };
  }
}
