import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { requireRepositoryAdmin, type Principal } from '@herald/auth';
import type { ApiDeps } from '../deps.js';
import { authenticate } from '../http/authenticate.js';
import { MethodNotAllowedError, NotFoundError } from '../http/http-errors.js';
import { deleteAuthorizedEmail, getAuthorizedEmail, requestAuthorizedEmail } from './authorized-email.js';
import {
  createNotification,
  deleteNotification,
  getNotification,
  listNotifications,
  notificationAction,
  resetNotification,
} from './notifications.js';
import { listRecentRefs } from './recent-refs.js';
import {
  ACTION_METHODS,
  ALLOWED_METHODS,
  REPOSITORY_PREFIX,
  checkRepositoryName,
  parseRepositoryPath,
  type RepositoryRoute,
} from './repository-path.js';

function allowed(route: RepositoryRoute): readonly string[] {
  return route.kind === 'notification-action' ? ACTION_METHODS[route.action] : ALLOWED_METHODS[route.kind];
}

async function dispatch(deps: ApiDeps, route: RepositoryRoute, who: Principal, req: FastifyRequest, reply: FastifyReply): Promise<unknown> {
  const m = req.method === 'HEAD' ? 'GET' : req.method;
  const repo = route.repository;
  switch (route.kind) {
    case 'notifications':
      return m === 'GET' ? listNotifications(deps, repo) : createNotification(deps, repo, req.body, who, reply);
    case 'notification':
      if (m === 'GET') return getNotification(deps, repo, route.uuid);
      if (m === 'DELETE') return deleteNotification(deps, repo, route.uuid, reply);
      return resetNotification(deps, repo, route.uuid, reply);
    case 'notification-action':
      return notificationAction(deps, repo, route.uuid, route.action, reply);
    case 'authorized-email':
      if (m === 'GET') return getAuthorizedEmail(deps, repo, route.email);
      if (m === 'DELETE') return deleteAuthorizedEmail(deps, repo, route.email, reply);
      return requestAuthorizedEmail(deps, repo, route.email);
    case 'recent-refs':
      return listRecentRefs(deps, repo);
  }
}

/**
 * Everything under `/api/v1/repository/`: one wildcard route, because repository names contain `/`.
 * Order of checks: route shape (404), method (405), token (401), repository name (400), admin (403).
 */
export function registerRepositoryRoutes(app: FastifyInstance, deps: ApiDeps): void {
  app.route({
    method: ['GET', 'POST', 'PUT', 'DELETE', 'PATCH'],
    url: `${REPOSITORY_PREFIX}*`,
    handler: async (req, reply) => {
      const rest = (req.url.split('?', 1)[0] ?? '').slice(REPOSITORY_PREFIX.length);
      const route = parseRepositoryPath(rest);
      if (!route) throw new NotFoundError('no such route');
      const methods = allowed(route);
      const m = req.method === 'HEAD' ? 'GET' : req.method;
      if (!methods.includes(m)) throw new MethodNotAllowedError(methods);
      const who = await authenticate(deps.verifier, req);
      checkRepositoryName(route.repository);
      requireRepositoryAdmin(who, route.repository);
      const result = await dispatch(deps, route, who, req, reply);
      return reply.statusCode === 204 ? reply.send() : result;
    },
  });
}
