import Fastify, { LogController, type FastifyBaseLogger, type FastifyError, type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import { HeraldError, ValidationError } from '@herald/errors';
import type { Logger } from '@herald/logger';
import { DISTRIBUTION_MEDIA_TYPES, type IngestResult, type IngestSource } from '@herald/registry-ingest';
import type { Accepted } from '../accept.js';
import type { IngestMetrics } from '../metrics.js';
import type { FloodGuard } from './flood-guard.js';
import { TooManyRequestsError, UnauthorizedError, UnavailableError } from './http-errors.js';

export const BODY_LIMIT_BYTES = 1024 * 1024;

export interface ServerDeps {
  authenticate: (authorization: string | undefined) => string;
  guard: FloodGuard;
  parse: { distribution: (body: unknown) => IngestResult; harbor: (body: unknown) => IngestResult };
  accept: (source: IngestSource, result: IngestResult) => Promise<Accepted>;
  metrics: IngestMetrics;
  /** Not accepting while starting or draining: 503 so the registry retries later. */
  accepting: () => boolean;
}

/** The 202 body (Accepted), serialized from its schema rather than by JSON.stringify. */
const ACCEPTED_BODY = {
  type: 'object',
  required: ['published', 'duplicates', 'dropped'],
  properties: {
    published: { type: 'integer' },
    duplicates: { type: 'integer' },
    dropped: { type: 'object', additionalProperties: { type: 'integer' } },
  },
} as const;

function statusOf(err: unknown): number {
  if (err instanceof ValidationError) return 400;
  if (err instanceof UnauthorizedError) return 401;
  if (err instanceof TooManyRequestsError) return 429;
  if (err instanceof UnavailableError) return 503;
  const code = (err as FastifyError).statusCode;
  return typeof code === 'number' && code >= 400 && code < 600 ? code : 500;
}

const OUTCOMES: Record<number, string> = { 400: 'invalid', 401: 'unauthorized', 413: 'invalid', 415: 'invalid', 429: 'throttled', 503: 'unavailable' };

/** The registry-facing HTTP server: one route per registry kind; not listening yet. */
export function buildServer(deps: ServerDeps, logger: Logger): FastifyInstance {
  const app = Fastify({
    loggerInstance: logger as FastifyBaseLogger,
    logController: new LogController({ disableRequestLogging: true }),
    // No per-request child logger (a pino child per request is a measurable share of a request's
    // CPU here): nothing logs per request but the error handler, which logs what it needs.
    childLoggerFactory: (parent) => parent,
    bodyLimit: BODY_LIMIT_BYTES,
    return503OnClosing: true,
  });
  // JSON only (Distribution's own media types included); anything else is 415.
  app.removeAllContentTypeParsers();
  app.addContentTypeParser(['application/json', ...DISTRIBUTION_MEDIA_TYPES], { parseAs: 'string' }, (_req, body, done) => {
    try {
      done(null, JSON.parse(typeof body === 'string' ? body : body.toString('utf8')) as unknown);
    } catch {
      done(new ValidationError('body', 'is not valid JSON'), undefined);
    }
  });
  app.setErrorHandler((err: unknown, req: FastifyRequest, reply: FastifyReply) => {
    const status = statusOf(err);
    const source = (req.routeOptions.config as { source?: string } | undefined)?.source ?? 'unknown';
    deps.metrics.requests.inc({ source, outcome: OUTCOMES[status] ?? 'error' });
    if (status >= 500 && status !== 503) logger.error({ err }, 'ingest request failed');
    else logger.debug({ err, status }, 'ingest request refused');
    if (err instanceof TooManyRequestsError) void reply.header('retry-after', String(err.retryAfterSeconds));
    if (status === 503) void reply.header('retry-after', '1');
    const message = status === 500 ? 'internal error' : ((err as Error).message ?? 'error');
    void reply.code(status).send({ error: message, status, ...(err instanceof ValidationError ? { field: err.field } : {}), ...(err instanceof HeraldError && status !== 500 ? { code: err.code } : {}) });
  });
  app.setNotFoundHandler((req, reply) => void reply.code(404).send({ error: `no route ${req.method} ${req.url.split('?', 1)[0] ?? ''}`, status: 404 }));

  // Authenticated before the body is read: an unknown caller costs no parsing.
  const registryOf = new WeakMap<FastifyRequest, string>();
  const onRequest = async (req: FastifyRequest) => {
    if (!deps.accepting()) throw new UnavailableError('not accepting events right now (starting or stopping)');
    registryOf.set(req, deps.authenticate(req.headers.authorization));
  };
  const route = (source: IngestSource) => {
    const acceptedCount = deps.metrics.requests.labels({ source, outcome: 'accepted' });
    const publishSeconds = deps.metrics.publishSeconds.labels({});
    return async (req: FastifyRequest, reply: FastifyReply) => {
      const leave = deps.guard.enter(registryOf.get(req) ?? '');
      try {
        const t0 = performance.now();
        const accepted = await deps.accept(source, deps.parse[source](req.body));
        publishSeconds.observe((performance.now() - t0) / 1000);
        acceptedCount.inc();
        return reply.code(202).send(accepted);
      } finally {
        leave();
      }
    };
  };
  const schema = { response: { 202: ACCEPTED_BODY } };
  app.post('/v1/distribution/events', { config: { source: 'distribution' }, onRequest, schema }, route('distribution'));
  app.post('/v1/harbor/events', { config: { source: 'harbor' }, onRequest, schema }, route('harbor'));
  return app;
}
