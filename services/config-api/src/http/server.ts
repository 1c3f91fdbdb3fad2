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
import { errorHandler } from './error-handler.js';
import { installJsonParser } from './json-body.js';
import { installRequestLog } from './request-log.js';

export const BODY_LIMIT_BYTES = 256 * 1024;

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
  app.setErrorHandler(errorHandler);
  app.setNotFoundHandler((req, reply) => errorHandler(new NotFoundError(`no route ${req.method} ${req.url.split('?', 1)[0] ?? ''}`), req, reply));
  registerHealth(app, deps);
  registerOpenApi(app, deps.publicUrl);
  registerConfirmEmail(app, deps);
  registerUserNotifications(app, deps);
  registerRepositoryRoutes(app, deps);
  registerWeb(app);
  return app;
}
