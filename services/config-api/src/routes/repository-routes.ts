import type { FastifyInstance, FastifyReply, FastifyRequest, RouteShorthandOptions } from 'fastify';
import { requireRepositoryAdmin, type Principal } from '@herald/auth';
import type { ApiDeps } from '../deps.js';
import { authenticate } from '../http/authenticate.js';
import { MethodNotAllowedError, NotFoundError } from '../http/http-errors.js';
import { schemaError } from '../schemas/ajv.js';
import {
  ADMIN_ERRORS,
  AuthorizedEmail,
  BEARER,
  EmailParams,
  NotificationParams,
  RecentRefs,
  RepositoryParams,
  err,
  noContent,
} from '../schemas/common.js';
import { Attempts, Notification, NotificationCreateRequest, NotificationList, NotificationUpdateRequest, RedriveResult, TestResult } from '../schemas/notification.js';
import { prepareCreateBody } from '../validation/create-request.js';
import { deleteAuthorizedEmail, getAuthorizedEmail, requestAuthorizedEmail } from './authorized-email.js';
import {
  DELIVERY_ID_HEADER,
  createNotification,
  deleteNotification,
  getNotification,
  listNotifications,
  notificationAction,
  repositoryTarget,
  resetNotification,
  updateNotification,
} from './notifications.js';
import { listRecentRefs } from './recent-refs.js';
import { ACTION_METHODS, ALLOWED_METHODS, REPOSITORY_PREFIX, parseRepositoryPath, type RepositoryRoute } from './repository-path.js';

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
    'notification-action': () => `/notification/${e((route as { uuid: string }).uuid)}/${(route as { action: string }).action}`,
    'authorized-email': () => `/authorizedemail/${e((route as { email: string }).email)}`,
    'recent-refs': () => '/recentrefs',
  }[route.kind]();
  return `${base}${rest}${q < 0 ? '' : url.slice(q)}`;
}

function allowed(route: RepositoryRoute): readonly string[] {
  return route.kind === 'notification-action' ? ACTION_METHODS[route.action] : ALLOWED_METHODS[route.kind];
}

interface Params {
  repository: string;
  uuid: string;
  email: string;
}
const p = (req: FastifyRequest): Params => req.params as Params;

const principals = new WeakMap<FastifyRequest, Principal>();

function principalOf(req: FastifyRequest): Principal {
  const who = principals.get(req);
  if (!who) throw new Error('repository route without its admin check');
  return who;
}

/**
 * Before the schemas judge the request: token (401), repository name by the route's own params
 * schema (400), admin of the repository (403). A caller who may not touch the repository learns
 * nothing from a body's 400.
 */
function repositoryAdmin(deps: ApiDeps) {
  return async (req: FastifyRequest): Promise<void> => {
    const who = await authenticate(deps.verifier, req);
    const validate = req.getValidationFunction('params');
    if (validate && !validate(req.params)) throw schemaError((validate.errors ?? []) as never, 'params');
    requireRepositoryAdmin(who, (req.params as Params).repository);
    principals.set(req, who);
  };
}

const noBody = (reply: FastifyReply, result: unknown): unknown => (reply.statusCode === 204 ? reply.send() : result);

/** Every route under `/api/v1/repository/{repository}/`, each with its schemas (SPEC §5). */
export function registerRepositoryRoutes(app: FastifyInstance, deps: ApiDeps): void {
  const R = `${REPOSITORY_PREFIX}:repository`;
  const admin = repositoryAdmin(deps);
  const op = (summary: string, schema: Record<string, unknown>, responses: Record<number, unknown>): RouteShorthandOptions => ({
    preValidation: admin,
    schema: { summary, tags: ['repository'], security: BEARER, ...schema, response: { ...responses, ...ADMIN_ERRORS } },
  });
  const missing = err('No such notification in this repository');

  app.get(`${R}/notification/`, op('List the repository’s notifications (secrets masked)', { params: RepositoryParams }, { 200: NotificationList }), (req) =>
    listNotifications(deps, repositoryTarget(p(req).repository)),
  );
  app.post(
    `${R}/notification/`,
    {
      ...op('Create a notification', { params: RepositoryParams, body: NotificationCreateRequest }, {
        201: { ...Notification, description: 'Created; the only response that carries `signing_secret`' },
        503: err('Stored, but the subscription feed (Kafka) did not take it; retry'),
      }),
      preValidation: [admin, async (req: FastifyRequest) => void (req.body = prepareCreateBody(req.body))],
    },
    (req, reply) => createNotification(deps, repositoryTarget(p(req).repository), req.body, principalOf(req), reply),
  );
  app.get(
    `${R}/notification/:uuid`,
    op('One notification (config unmasked, never the signing secret)', { params: NotificationParams }, { 200: Notification, 404: missing }),
    (req) => getNotification(deps, repositoryTarget(p(req).repository), p(req).uuid),
  );
  app.put(
    `${R}/notification/:uuid`,
    {
      ...op('Herald: edit a notification (the create body, same validation); webhooks keep or rotate their signing secret', { params: NotificationParams, body: NotificationUpdateRequest }, {
        200: { ...Notification, description: 'Updated; carries `signing_secret` only when `rotate_secret` replaced it' },
        404: missing,
        409: err('The notification changed since `version` (or while the edit was applied); read it again'),
        503: err('Stored, but the subscription feed (Kafka) did not take it; retry'),
      }),
      preValidation: [admin, async (req: FastifyRequest) => void (req.body = prepareCreateBody(req.body))],
    },
    (req) => updateNotification(deps, repositoryTarget(p(req).repository), p(req).uuid, req.body),
  );
  app.delete(
    `${R}/notification/:uuid`,
    op('Delete a notification', { params: NotificationParams }, { 204: noContent('Deleted'), 404: missing }),
    async (req, reply) => noBody(reply, await deleteNotification(deps, repositoryTarget(p(req).repository), p(req).uuid, reply)),
  );
  app.post(
    `${R}/notification/:uuid`,
    op('Reset `number_of_failures` to 0 and re-enable', { params: NotificationParams }, { 204: noContent('Reset'), 404: missing }),
    async (req, reply) => noBody(reply, await resetNotification(deps, repositoryTarget(p(req).repository), p(req).uuid, reply)),
  );
  app.post(
    `${R}/notification/:uuid/test`,
    op('Deliver the event kind’s sample data to this notification through the pipeline', { params: NotificationParams }, {
      200: { ...TestResult, description: `Queued: \`{}\` as in Quay; the delivery id (the \`webhook-id\` the receiver sees) is in \`${DELIVERY_ID_HEADER}\`` },
      404: missing,
      503: err('The test notification could not be queued'),
    }),
    (req, reply) => notificationAction(deps, repositoryTarget(p(req).repository), p(req).uuid, 'test', reply),
  );
  app.get(
    `${R}/notification/:uuid/attempts`,
    op('The attempt log: every delivery attempt (time, outcome, status code or error, duration), newest first', { params: NotificationParams }, {
      200: Attempts,
      404: missing,
    }),
    (req, reply) => notificationAction(deps, repositoryTarget(p(req).repository), p(req).uuid, 'attempts', reply),
  );
  app.post(
    `${R}/notification/:uuid/redrive`,
    op('Re-drive the dead-lettered deliveries of this notification (each at most once)', { params: NotificationParams }, {
      200: RedriveResult,
      404: missing,
      503: err('Kafka is unavailable'),
    }),
    (req, reply) => notificationAction(deps, repositoryTarget(p(req).repository), p(req).uuid, 'redrive', reply),
  );
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
    (req) => requestAuthorizedEmail(deps, p(req).repository, p(req).email),
  );
  app.delete(
    `${R}/authorizedemail/:email`,
    op('Withdraw an authorization', { params: EmailParams }, { 204: noContent('Removed'), 404: err('Never requested') }),
    async (req, reply) => noBody(reply, await deleteAuthorizedEmail(deps, p(req).repository, p(req).email, reply)),
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
