import Fastify, { LogController, type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import type { Logger } from '@herald/logger';
import type { ApiDeps } from '../deps.js';
import { registerConfirmEmail } from '../routes/confirm-email.js';
import { registerHealth } from '../routes/health.js';
import { registerOpenApi } from '../routes/openapi.js';
import { registerRepositoryRoutes } from '../routes/repository-routes.js';
import { registerUserNotifications } from '../routes/user-notifications.js';
import { registerWeb } from '../routes/web.js';
import { NotFoundError } from './http-errors.js';
import { createErrorHandler, ERROR_TYPES } from './error-handler.js';
import { installJsonParser } from './json-body.js';
import { installRequestLog } from './request-log.js';

export const BODY_LIMIT_BYTES = 256 * 1024;

/** `GET /api/v1/error/{error_type}`: what an error body's `type` points at, as in Quay. */
function registerErrorTypes(app: FastifyInstance, publicUrl: string): void {
  app.get('/api/v1/error/:type', async (req) => {
    const t = (req.params as Record<string, string>)['type'] ?? '';
    if (!Object.hasOwn(ERROR_TYPES, t)) throw new NotFoundError(`no error type ${t.slice(0, 100)}`);
    return { type: `${publicUrl}/api/v1/error/${t}`, title: t, description: ERROR_TYPES[t as keyof typeof ERROR_TYPES] };
  });
}

/** The Fastify instance with every route of SPEC §5; not listening yet. */
export function buildServer(deps: ApiDeps, logger: Logger): FastifyInstance {
  const app = Fastify({
    loggerInstance: logger as FastifyBaseLogger,
    // Requests are logged by installRequestLog, which leaves out query strings and headers.
    logController: new LogController({ disableRequestLogging: true }),
    bodyLimit: BODY_LIMIT_BYTES,
    routerOptions: { ignoreTrailingSlash: true, maxParamLength: 512 },
    return503OnClosing: true,
  });
  installJsonParser(app);
  installRequestLog(app);
  const errorHandler = createErrorHandler(deps.publicUrl);
  app.setErrorHandler(errorHandler);
  app.setNotFoundHandler((req, reply) => errorHandler(new NotFoundError(`no route ${req.method} ${req.url.split('?', 1)[0] ?? ''}`), req, reply));
  registerHealth(app, deps);
  registerOpenApi(app, deps.publicUrl);
  registerErrorTypes(app, deps.publicUrl);
  registerConfirmEmail(app, deps);
  registerUserNotifications(app, deps);
  registerRepositoryRoutes(app, deps);
  registerWeb(app);
  return app;
}
