import type { FastifyInstance, FastifyRequest } from 'fastify';
import { recipientOf } from '@herald/auth';
import { ValidationError } from '@herald/errors';
import type { InAppDoc, InAppRecipient } from '@herald/store';
import type { ApiDeps } from '../deps.js';
import { authenticate } from '../http/authenticate.js';
import { NotFoundError } from '../http/http-errors.js';

/** Quay's default `limit` (endpoints/api/user.py `UserNotificationList`). */
export const DEFAULT_PAGE_LIMIT = 5;
export const MAX_PAGE_LIMIT = 100;
const MAX_PAGE = 10_000;

/** RFC 2822 in GMT, as Quay's `format_date` (`Thu, 03 Dec 2026 10:00:00 -0000`). */
export function rfc2822(d: Date): string {
  return d.toUTCString().replace(/GMT$/, '-0000');
}

/**
 * An in-app notification in Quay's shape (`id`, `kind`, `created` in RFC 2822, `metadata`,
 * `dismissed`, `organization`), plus Herald's `uuid`, `repository` and `target`.
 */
export function inAppView(n: InAppDoc): Record<string, unknown> {
  return {
    id: n.uuid,
    uuid: n.uuid,
    kind: n.kind,
    created: rfc2822(n.created instanceof Date ? n.created : new Date(n.created)),
    metadata: n.data,
    dismissed: n.dismissed,
    organization: n.target.kind === 'org' ? n.target.name : null,
    repository: n.repository,
    target: n.target,
  };
}

function intParam(q: Record<string, unknown>, name: string, fallback: number, min: number, max: number): number {
  const raw = q[name];
  if (raw === undefined || raw === '') return fallback;
  if (typeof raw !== 'string' || !/^\d{1,9}$/.test(raw) || Number(raw) < min || Number(raw) > max) {
    throw new ValidationError(name, `must be an integer from ${min} to ${max}`);
  }
  return Number(raw);
}

async function recipient(deps: ApiDeps, req: FastifyRequest): Promise<InAppRecipient> {
  return recipientOf(await authenticate(deps.verifier, req));
}

function uuidParam(req: FastifyRequest): string {
  const uuid = (req.params as Record<string, string>)['uuid'] ?? '';
  if (uuid === '' || uuid.length > 100) throw new NotFoundError('notification not found');
  return uuid;
}

/** The caller's in-app notifications: their user, teams and administered orgs. */
export function registerUserNotifications(app: FastifyInstance, deps: ApiDeps): void {
  app.get('/api/v1/user/notifications', async (req) => {
    const r = await recipient(deps, req);
    const q = req.query as Record<string, unknown>;
    // Quay's paging: `page` defaults to 0, and 0 and 1 both give the first page (peewee's
    // paginate is 1-based and Quay skips it for page 0); page n starts at (n - 1) × limit.
    const page = intParam(q, 'page', 0, 0, MAX_PAGE);
    const limit = intParam(q, 'limit', DEFAULT_PAGE_LIMIT, 1, MAX_PAGE_LIMIT);
    const res = await deps.inapp.listFor(r, Math.max(page, 1), limit);
    return {
      notifications: res.notifications.map(inAppView),
      page,
      has_additional: res.has_additional,
      additional: res.has_additional,
    };
  });

  app.get('/api/v1/user/notifications/:uuid', async (req) => {
    const r = await recipient(deps, req);
    const n = await deps.inapp.getFor(r, uuidParam(req));
    if (!n) throw new NotFoundError('notification not found');
    return inAppView(n);
  });

  app.put('/api/v1/user/notifications/:uuid', async (req) => {
    const r = await recipient(deps, req);
    const uuid = uuidParam(req);
    const body = req.body as Record<string, unknown> | undefined;
    const dismissed = typeof body === 'object' && body !== null && !Array.isArray(body) ? body['dismissed'] : undefined;
    if (typeof dismissed !== 'boolean') throw new ValidationError('dismissed', 'is required and must be a boolean');
    const n = await deps.inapp.setDismissedFor(r, uuid, dismissed);
    if (!n) throw new NotFoundError('notification not found');
    return inAppView(n);
  });
}
