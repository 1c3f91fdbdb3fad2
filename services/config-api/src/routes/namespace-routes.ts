import type { FastifyInstance, FastifyRequest } from 'fastify';
import { ForbiddenError, requireNamespaceAdmin } from '@herald/auth';
import type { ApiDeps } from '../deps.js';
import { compileSchema } from '../schemas/ajv.js';
import { NAMESPACE_ADMIN_ERRORS, NamespaceName, NamespaceNotificationParams, NamespaceParams, UuidParams } from '../schemas/common.js';
import { registerDeliveryRoutes } from './deliveries.js';
import { guard, principalOf, registerMethodFallback, registerNotificationRoutes } from './notification-routes.js';
import { namespaceTarget } from './notifications.js';

export const ORGANIZATION_PREFIX = '/api/v1/organization/';
/** Quay's user-namespace notifications (endpoints/api/namespacenotification.py). */
export const USER_NAMESPACE_BASE = '/api/v1/user';
export const USER_NAMESPACE_COLLECTION = 'namespacenotifications';
/** The issue's `notification/` (as the repository routes) and Quay's own `notifications`. */
const ORGANIZATION_COLLECTIONS = ['notification', 'notifications'] as const;

const isNamespaceName = compileSchema(NamespaceName);

/**
 * Namespace-wide notifications: they fire for every repository of the namespace, including ones
 * created later. Under `/api/v1/organization/{namespace}/notification/` (and Quay's
 * `…/notifications`), and the caller's own namespace (the token's subject) under Quay's
 * `/api/v1/user/namespacenotifications/`. Both need an admin grant on `{namespace}/*` (or the
 * superuser): an admin of some of its repositories is not enough.
 */
export function registerNamespaceRoutes(app: FastifyInstance, deps: ApiDeps): void {
  const orgAdmin = guard(deps, (who, params) => requireNamespaceAdmin(who, params['namespace'] ?? ''));
  for (const collection of ORGANIZATION_COLLECTIONS) {
    const scope = {
      base: `${ORGANIZATION_PREFIX}:namespace`,
      collection,
      tag: 'namespace',
      listParams: NamespaceParams,
      notificationParams: NamespaceNotificationParams,
      preValidation: orgAdmin,
      target: (req: FastifyRequest) => namespaceTarget((req.params as { namespace: string }).namespace),
      listed: 'the namespace-wide notifications (each covers every repository of the namespace)',
      missing: 'No such notification in this namespace',
      errors: NAMESPACE_ADMIN_ERRORS,
    };
    registerNotificationRoutes(app, deps, scope);
    registerDeliveryRoutes(app, deps, scope);
  }
  registerMethodFallback(app, ORGANIZATION_PREFIX, (rest) => (rest.length >= 2 && rest[0] !== '' ? rest.slice(1) : null), ORGANIZATION_COLLECTIONS);

  // The user namespace is the token's subject; it must be a namespace name, administered as a whole.
  const userAdmin = guard(deps, (who) => {
    if (!isNamespaceName(who.subject)) throw new ForbiddenError(`the token's subject is not a namespace name: it has no user namespace`);
    requireNamespaceAdmin(who, who.subject);
  });
  const userScope = {
    base: USER_NAMESPACE_BASE,
    collection: USER_NAMESPACE_COLLECTION,
    tag: 'namespace',
    notificationParams: UuidParams,
    preValidation: userAdmin,
    target: (req: FastifyRequest) => namespaceTarget(principalOf(req).subject),
    listed: 'the namespace-wide notifications of the caller’s own namespace (the token’s subject)',
    missing: 'No such notification in this namespace',
    errors: NAMESPACE_ADMIN_ERRORS,
  };
  registerNotificationRoutes(app, deps, userScope);
  registerDeliveryRoutes(app, deps, userScope);
  // Only this collection's paths: the rest of `/api/v1/user/` (the in-app notifications) keeps its 404s.
  registerMethodFallback(
    app,
    `${USER_NAMESPACE_BASE}/${USER_NAMESPACE_COLLECTION}`,
    (rest) => (rest[0] === '' ? [USER_NAMESPACE_COLLECTION, ...rest.slice(1)] : null),
    [USER_NAMESPACE_COLLECTION],
  );
}
