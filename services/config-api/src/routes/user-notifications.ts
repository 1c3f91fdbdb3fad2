import type { FastifyInstance, FastifyRequest } from 'fastify';
import { Type } from 'typebox';
import { recipientOf } from '@herald/auth';
import type { InAppDoc, InAppRecipient } from '@herald/store';
import type { ApiDeps } from '../deps.js';
import { authenticate } from '../http/authenticate.js';
import { NotFoundError } from '../http/http-errors.js';
import { BEARER, DismissRequest, InAppNotification, InAppNotificationList, TOKEN_ERRORS, err } from '../schemas/common.js';

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

const PagingQuery = Type.Object({
  page: Type.Optional(
    Type.String({
      pattern: '^(0*([0-9]{1,4}|10000))?$', // 0 to MAX_PAGE, leading zeros allowed
      description: "Quay's paging: 0 and 1 are the first page; page n starts at (n - 1) × limit.",
      'x-error': `must be an integer from 0 to ${MAX_PAGE}`,
    }),
  ),
  limit: Type.Optional(
    Type.String({
      pattern: '^(0*([1-9][0-9]?|100))?$', // 1 to MAX_PAGE_LIMIT
      description: `Default ${DEFAULT_PAGE_LIMIT}`,
      'x-error': `must be an integer from 1 to ${MAX_PAGE_LIMIT}`,
    }),
  ),
});

const UuidParams = Type.Object({ uuid: Type.String() });

const intOr = (raw: string | undefined, fallback: number): number => (raw === undefined || raw === '' ? fallback : Number(raw));

const recipients = new WeakMap<FastifyRequest, InAppRecipient>();

function recipient(req: FastifyRequest): InAppRecipient {
  const r = recipients.get(req);
  if (!r) throw new Error('user route without its token check');
  return r;
}

function uuidParam(req: FastifyRequest): string {
  const uuid = (req.params as Record<string, string>)['uuid'] ?? '';
  if (uuid === '' || uuid.length > 100) throw new NotFoundError('notification not found');
  return uuid;
}

/** The caller's in-app notifications: their user, teams and administered orgs. */
export function registerUserNotifications(app: FastifyInstance, deps: ApiDeps): void {
  // The token is checked before the schemas: a caller without one gets 401, whatever the request.
  const preValidation = async (req: FastifyRequest): Promise<void> => {
    recipients.set(req, recipientOf(await authenticate(deps.verifier, req)));
  };
  const op = (summary: string, schema: Record<string, unknown>, responses: Record<number, unknown>) => ({
    preValidation,
    schema: { summary, tags: ['user'], security: BEARER, ...schema, response: { ...responses, ...TOKEN_ERRORS } },
  });

  app.get(
    '/api/v1/user/notifications',
    op('The caller’s in-app notifications, newest first, dismissed ones hidden', { querystring: PagingQuery }, {
      200: InAppNotificationList,
      400: err('Invalid page or limit'),
    }),
    async (req) => {
      const q = req.query as { page?: string; limit?: string };
      // Quay's paging: `page` defaults to 0, and 0 and 1 both give the first page (peewee's
      // paginate is 1-based and Quay skips it for page 0); page n starts at (n - 1) × limit.
      const page = intOr(q.page, 0);
      const limit = intOr(q.limit, DEFAULT_PAGE_LIMIT);
      const res = await deps.inapp.listFor(recipient(req), Math.max(page, 1), limit);
      return {
        notifications: res.notifications.map(inAppView),
        page,
        has_additional: res.has_additional,
        additional: res.has_additional,
      };
    },
  );

  app.get(
    '/api/v1/user/notifications/:uuid',
    op('One of the caller’s in-app notifications', { params: UuidParams }, { 200: InAppNotification, 404: err('Not found') }),
    async (req) => {
      const n = await deps.inapp.getFor(recipient(req), uuidParam(req));
      if (!n) throw new NotFoundError('notification not found');
      return inAppView(n);
    },
  );

  app.put(
    '/api/v1/user/notifications/:uuid',
    op('Dismiss (or un-dismiss) one of the caller’s in-app notifications', { params: UuidParams, body: DismissRequest }, {
      200: InAppNotification,
      400: err('`dismissed` missing or not a boolean'),
      404: err('Not found'),
    }),
    async (req) => {
      const { dismissed } = req.body as { dismissed: boolean };
      const n = await deps.inapp.setDismissedFor(recipient(req), uuidParam(req), dismissed);
      if (!n) throw new NotFoundError('notification not found');
      return inAppView(n);
    },
  );
}
