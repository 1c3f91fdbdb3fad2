import Fastify, { LogController, type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import type { Logger } from '@herald/logger';
import type { ApiDeps } from '../deps.js';
import { registerAuditRoutes } from '../routes/audit.js';
import { registerConfirmEmail } from '../routes/confirm-email.js';
import { registerHealth } from '../routes/health.js';
import { registerOpenApi, registerOpenApiGenerator } from '../routes/openapi.js';
import { registerNamespaceRoutes } from '../routes/namespace-routes.js';
import { registerRepositoryRoutes, rewriteRepositoryUrl } from '../routes/repository-routes.js';
import { registerSuperuserRoutes } from '../routes/superuser-routes.js';
import { compileSchema, schemaErrorFormatter } from '../schemas/ajv.js';
import { ErrorDescription, err } from '../schemas/common.js';
import { registerUserNotifications } from '../routes/user-notifications.js';
import { registerWeb } from '../routes/web.js';
import { NotFoundError } from './http-errors.js';
import { createErrorHandler, ERROR_TYPES } from './error-handler.js';
import { installJsonParser } from './json-body.js';
import { installRequestLog } from './request-log.js';

export const BODY_LIMIT_BYTES = 256 * 1024;

/** `GET /api/v1/error/{error_type}`: what an error body's `type` points at, as in Quay. */
function registerErrorTypes(app: FastifyInstance, publicUrl: string): void {
  const schema = {
    summary: "What an error body's `type` points at",
    tags: ['operations'],
    params: { type: 'object', properties: { type: { type: 'string', enum: Object.keys(ERROR_TYPES) } } },
    response: { 200: ErrorDescription, 404: err('No such error type') },
  };
  // The handler answers an unknown type with 404 (not the schema's 400): the params are checked there.
  app.get('/api/v1/error/:type', { schema, validatorCompiler: () => () => true }, async (req) => {
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
    // Long parameters reach their schemas, which refuse them naming the field (a repository is at most
    // 255 characters, and encoded by rewriteRepositoryUrl).
    routerOptions: { ignoreTrailingSlash: true, maxParamLength: 4096 },
    return503OnClosing: true,
    // Repository names contain `/`: see rewriteRepositoryUrl.
    rewriteUrl: (req) => rewriteRepositoryUrl(req.url ?? '/'),
    // A failed route schema is a 400 naming the field (schemas/ajv.ts).
    schemaErrorFormatter,
  });
  // Route schemas are validated by Herald's Ajv (no coercion; `x-error` messages). Responses are
  // documented, not filtered: they are sent as JSON.stringify writes them.
  app.setValidatorCompiler(({ schema }) => compileSchema(schema));
  app.setSerializerCompiler(() => (data) => JSON.stringify(data));
  installJsonParser(app);
  installRequestLog(app);
  const errorHandler = createErrorHandler(deps.publicUrl);
  app.setErrorHandler(errorHandler);
  app.setNotFoundHandler((req, reply) => errorHandler(new NotFoundError(`no route ${req.method} ${req.url.split('?', 1)[0] ?? ''}`), req, reply));
  registerOpenApiGenerator(app, deps.publicUrl);
  // Routes go in after the generator, which records each one with its schemas.
  void app.register(async (api) => {
    registerHealth(api, deps);
    registerOpenApi(api);
    registerErrorTypes(api, deps.publicUrl);
    registerConfirmEmail(api, deps);
    registerUserNotifications(api, deps);
    registerRepositoryRoutes(api, deps);
    registerAuditRoutes(api, deps);
    registerNamespaceRoutes(api, deps);
    registerSuperuserRoutes(api, deps);
    registerWeb(api);
  });
  return app;
}
