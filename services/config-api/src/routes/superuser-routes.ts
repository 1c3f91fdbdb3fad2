import type { FastifyInstance } from 'fastify';
import { requireSuperuser } from '@herald/auth';
import type { ApiDeps } from '../deps.js';
import { SUPERUSER_ERRORS, UuidParams } from '../schemas/common.js';
import { registerDeliveryRoutes } from './deliveries.js';
import { guard, registerMethodFallback, registerNotificationRoutes } from './notification-routes.js';
import { REGISTRY_TARGET } from './notifications.js';

export const SUPERUSER_PREFIX = '/api/v1/superuser/';

/**
 * Registry-wide notifications: they fire for every repository of the registry. Under
 * `/api/v1/superuser/notification/`, for the superuser only (the subject `AUTH_SUPERUSER` names).
 */
export function registerSuperuserRoutes(app: FastifyInstance, deps: ApiDeps): void {
  const scope = {
    base: SUPERUSER_PREFIX.slice(0, -1),
    tag: 'registry',
    notificationParams: UuidParams,
    preValidation: guard(deps, (who) => requireSuperuser(who)),
    target: () => REGISTRY_TARGET,
    listed: 'the registry-wide notifications (each covers every repository)',
    missing: 'No such registry-wide notification',
    errors: SUPERUSER_ERRORS,
  };
  registerNotificationRoutes(app, deps, scope);
  registerDeliveryRoutes(app, deps, scope);
  registerMethodFallback(app, SUPERUSER_PREFIX, (rest) => rest);
}
