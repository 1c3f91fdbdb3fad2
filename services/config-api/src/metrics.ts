import type { FastifyInstance } from 'fastify';
import { Counter, createMetricsRegistry, Histogram, type Registry } from '@herald/observability';

/** HTTP metrics of the config API, labelled by route pattern (never by raw URL: no ids, no emails). */
export function installHttpMetrics(app: FastifyInstance): Registry {
  const registry = createMetricsRegistry('config-api');
  const requests = new Counter({ name: 'herald_http_requests_total', help: 'HTTP requests', labelNames: ['method', 'route', 'status'] as const, registers: [registry] });
  const duration = new Histogram({
    name: 'herald_http_request_duration_seconds',
    help: 'HTTP request duration',
    labelNames: ['method', 'route'] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
    registers: [registry],
  });
  app.addHook('onResponse', async (req, reply) => {
    const route = req.routeOptions.url ?? 'unmatched';
    requests.inc({ method: req.method, route, status: String(reply.statusCode) });
    duration.observe({ method: req.method, route }, reply.elapsedTime / 1000);
  });
  return registry;
}
