import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Registry, collectDefaultMetrics } from 'prom-client';
import type { Logger } from '@herald/logger';
import type { DependencyProbes } from './dependency-probes.js';

export interface OpsServerOptions {
  host: string;
  port: number;
  logger: Logger;
  registry: Registry;
  /** Alive: the process is not wedged. */
  healthy?: () => boolean;
  /** Ready: connected to its dependencies and consuming. */
  ready: () => boolean | Promise<boolean>;
  /** Why it is not ready (named in /readyz's body), when the service can tell. */
  notReadyReason?: () => string | undefined;
  /** Dependencies needed right now: /readyz is 503 naming the first unreachable one. */
  dependencies?: DependencyProbes;
}

export interface OpsServer {
  start(): Promise<number>;
  stop(): Promise<void>;
}

/** A fresh metrics registry with Node's default process metrics and a `service` label. */
export function createMetricsRegistry(service: string): Registry {
  const registry = new Registry();
  registry.setDefaultLabels({ service });
  collectDefaultMetrics({ register: registry });
  return registry;
}

/**
 * The operational endpoints every Kafka service exposes: `/healthz`, `/readyz`, `/metrics`
 * (Prometheus text format). Kept off the public API port so it can stay cluster-internal.
 */
export function createOpsServer(opts: OpsServerOptions): OpsServer {
  let server: Server | undefined;
  const handler = async (path: string): Promise<{ status: number; type: string; body: string }> => {
    if (path === '/healthz') {
      const ok = opts.healthy?.() ?? true;
      return { status: ok ? 200 : 503, type: 'application/json', body: JSON.stringify({ status: ok ? 'ok' : 'unhealthy' }) };
    }
    if (path === '/readyz') {
      const base = await opts.ready();
      const down = base ? await opts.dependencies?.failing() : undefined;
      const ok = base && down === undefined;
      const reason = base ? down : opts.notReadyReason?.();
      return { status: ok ? 200 : 503, type: 'application/json', body: JSON.stringify({ status: ok ? 'ready' : 'not ready', ...(reason ? { reason } : {}) }) };
    }
    if (path === '/metrics') return { status: 200, type: opts.registry.contentType, body: await opts.registry.metrics() };
    return { status: 404, type: 'application/json', body: JSON.stringify({ error: 'not found' }) };
  };
  return {
    start: () =>
      new Promise((resolve, reject) => {
        const s = createServer((req, res) => {
          const path = (req.url ?? '/').split('?')[0] ?? '/';
          handler(path)
            .then(({ status, type, body }) => {
              res.writeHead(status, { 'content-type': type });
              res.end(body);
            })
            .catch((err: unknown) => {
              opts.logger.error({ err, path }, 'ops endpoint failed');
              res.writeHead(500).end();
            });
        });
        s.once('error', reject);
        s.listen(opts.port, opts.host, () => {
          server = s;
          resolve((s.address() as AddressInfo).port);
        });
      }),
    stop: () =>
      new Promise((resolve) => {
        if (!server) return resolve();
        server.close(() => resolve());
        server.closeAllConnections();
        server = undefined;
      }),
  };
}
