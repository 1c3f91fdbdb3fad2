import type { FastifyInstance } from 'fastify';
import type { ApiDeps } from '../deps.js';
import { Health, Readiness } from '../schemas/common.js';

/**
 * `/healthz`: 503 only when the service failed (it exits to be restarted). `/readyz`: started, and
 * MongoDB and Kafka answer; the reason names what is not. `recent_refs` reports the consumer behind
 * the ref-regex preview (joining, running, restarting, failed) without ever making the service unready.
 */
export function registerHealth(app: FastifyInstance, deps: ApiDeps): void {
  app.get('/healthz', { schema: { summary: 'Liveness', tags: ['operations'], response: { 200: { ...Health, description: 'Alive' }, 503: { ...Health, description: 'Failed: the process exits to be restarted' } } } }, async (_req, reply) => {
    const h = deps.health();
    void reply.code(h.healthy ? 200 : 503);
    return { status: h.healthy ? 'ok' : 'unhealthy', state: h.state, ...(h.reason ? { reason: h.reason } : {}) };
  });
  app.get('/readyz', { schema: { summary: 'Readiness: started, and MongoDB and Kafka answer', tags: ['operations'], response: { 200: { ...Readiness, description: 'Ready' }, 503: { ...Readiness, description: 'Not ready' } } } }, async (_req, reply) => {
    const r = await deps.readiness();
    void reply.code(r.ready ? 200 : 503);
    return { status: r.ready ? 'ready' : 'not ready', state: r.state, ...(r.reason ? { reason: r.reason } : {}), checks: r.checks, recent_refs: r.recent_refs };
  });
}
