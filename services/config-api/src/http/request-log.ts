import type { FastifyInstance } from 'fastify';

/**
 * One line per request, built here rather than by Fastify's default serializers so that query
 * strings (the e-mail confirmation code) and headers (the bearer token) never reach the log.
 */
export function installRequestLog(app: FastifyInstance): void {
  app.addHook('onResponse', async (req, reply) => {
    const path = req.url.split('?', 1)[0] ?? '';
    const fields = { method: req.method, path, statusCode: reply.statusCode, durationMs: Math.round(reply.elapsedTime) };
    if (reply.statusCode >= 500) req.log.warn(fields, 'request completed');
    else req.log.info(fields, 'request completed');
  });
}
