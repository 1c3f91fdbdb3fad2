import type { FastifyInstance } from 'fastify';
import type { ApiDeps } from '../deps.js';

/** `/healthz`: the process answers. `/readyz`: MongoDB answers a ping and the Kafka producers are connected. */
export function registerHealth(app: FastifyInstance, deps: ApiDeps): void {
  app.get('/healthz', async () => ({ status: 'ok' }));
  app.get('/readyz', async (_req, reply) => {
    const r = await deps.readiness();
    void reply.code(r.ready ? 200 : 503);
    return { status: r.ready ? 'ready' : 'not ready', checks: r.checks };
  });
}
