import type { FastifyInstance, FastifyReply, FastifyRequest, RouteShorthandOptions } from 'fastify';
import { requireRepositoryAdmin } from '@herald/auth';
import type { ApiDeps } from '../deps.js';
import { MethodNotAllowedError, NotFoundError } from '../http/http-errors.js';
import { ADMIN_ERRORS, AuthorizedEmail, BEARER, EmailParams, NotificationParams, RecentRefs, RepositoryParams, err, noContent } from '../schemas/common.js';
import { deleteAuthorizedEmail, getAuthorizedEmail, requestAuthorizedEmail } from './authorized-email.js';
import { registerDeliveryRoutes } from './deliveries.js';
import { guard, principalOf, registerNotificationRoutes } from './notification-routes.js';
import { repositoryTarget } from './notifications.js';
import { listRecentRefs } from './recent-refs.js';
import { ALLOWED_METHODS, REPOSITORY_PREFIX, actionMethods, actionPath, parseRepositoryPath, type RepositoryRoute } from './repository-path.js';

/**
 * Repository names contain `/`, which a route parameter cannot: before routing, a path under
 * `/api/v1/repository/` is recognised from its end (parseRepositoryPath) and its repository sent
 * on as one percent-encoded segment, so each route below is an ordinary route with its schemas
 * (`{repository}` is the full path, as in Quay's own API document). Anything else is left as is.
 */
export function rewriteRepositoryUrl(url: string): string {
  if (!url.startsWith(REPOSITORY_PREFIX)) return url;
  const q = url.indexOf('?');
  const path = q < 0 ? url : url.slice(0, q);
  const route = parseRepositoryPath(path.slice(REPOSITORY_PREFIX.length));
  if (!route) return url;
  const e = encodeURIComponent;
  const base = `${REPOSITORY_PREFIX}${e(route.repository)}`;
  const rest = {
    notifications: () => '/notification/',
    notification: () => `/notification/${e((route as { uuid: string }).uuid)}`,
    'notification-action': () => `/notification/${e((route as { uuid: string }).uuid)}${actionPath(route as Parameters<typeof actionPath>[0])}`,
    'authorized-email': () => `/authorizedemail/${e((route as { email: string }).email)}`,
    'recent-refs': () => '/recentrefs',
    audit: () => '/audit',
  }[route.kind]();
  return `${base}${rest}${q < 0 ? '' : url.slice(q)}`;
}

function allowed(route: RepositoryRoute): readonly string[] {
  return route.kind === 'notification-action' ? actionMethods(route) : ALLOWED_METHODS[route.kind];
}

interface Params {
  repository: string;
  email: string;
}
const p = (req: FastifyRequest): Params => req.params as Params;

const noBody = (reply: FastifyReply, result: unknown): unknown => (reply.statusCode === 204 ? reply.send() : result);

/** Every route under `/api/v1/repository/{repository}/`, each with its schemas (SPEC §5). */
export function registerRepositoryRoutes(app: FastifyInstance, deps: ApiDeps): void {
  const R = `${REPOSITORY_PREFIX}:repository`;
  // Token (401), repository name by the route's own params schema (400), admin of the repository (403).
  const admin = guard(deps, (who, params) => requireRepositoryAdmin(who, params['repository'] ?? ''));
  const op = (summary: string, schema: Record<string, unknown>, responses: Record<number, unknown>): RouteShorthandOptions => ({
    preValidation: admin,
    schema: { summary, tags: ['repository'], security: BEARER, ...schema, response: { ...responses, ...ADMIN_ERRORS } },
  });

  const scope = {
    base: R,
    tag: 'repository',
    listParams: RepositoryParams,
    notificationParams: NotificationParams,
    preValidation: admin,
    target: (req: FastifyRequest) => repositoryTarget(p(req).repository),
    listed: 'the repository’s notifications',
    missing: 'No such notification in this repository',
    errors: ADMIN_ERRORS,
  };
  registerNotificationRoutes(app, deps, scope);
  registerDeliveryRoutes(app, deps, scope);
  app.get(
    `${R}/authorizedemail/:email`,
    op('Authorization status of an address', { params: EmailParams }, { 200: AuthorizedEmail, 404: err('Never requested') }),
    (req) => getAuthorizedEmail(deps, p(req).repository, p(req).email),
  );
  app.post(
    `${R}/authorizedemail/:email`,
    op('Start authorization: mails a confirmation link (the code is never returned)', { params: EmailParams }, {
      200: { ...AuthorizedEmail, description: 'Requested (or already confirmed)' },
      429: err('Too many confirmation mails for this address or repository; nothing sent, the earlier link stays valid (`Retry-After` says when)'),
      502: err('The confirmation mail could not be sent'),
    }),
    (req) => requestAuthorizedEmail(deps, p(req).repository, p(req).email, principalOf(req)),
  );
  app.delete(
    `${R}/authorizedemail/:email`,
    op('Withdraw an authorization', { params: EmailParams }, { 204: noContent('Removed'), 404: err('Never requested') }),
    async (req, reply) => noBody(reply, await deleteAuthorizedEmail(deps, p(req).repository, p(req).email, reply, principalOf(req))),
  );
  app.get(
    `${R}/recentrefs`,
    op(
      'Herald: the refs the repository’s recent builds were triggered for, newest first (the admin page previews a ref-regex on them); empty until a build with a trigger ref is seen',
      { params: RepositoryParams },
      { 200: RecentRefs },
    ),
    (req) => listRecentRefs(deps, p(req).repository),
  );

  // What no route above takes: 405 naming the methods of a path that exists, else 404. Before any token check, as before.
  app.route({
    method: ['GET', 'POST', 'PUT', 'DELETE', 'PATCH'],
    url: `${REPOSITORY_PREFIX}*`,
    schema: { hide: true },
    handler: async (req) => {
      const route = parseRepositoryPath((req.url.split('?', 1)[0] ?? '').slice(REPOSITORY_PREFIX.length));
      if (!route) throw new NotFoundError('no such route');
      throw new MethodNotAllowedError(allowed(route));
    },
  });
}
