import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Registry, collectDefaultMetrics } from 'prom-client';
import type { Logger } from '@herald/logger';
import type { DependencyProbes } from './dependency-probes.js';
import type { Lifecycle } from './lifecycle.js';

export interface OpsServerOptions {
  host: string;
  port: number;
  logger: Logger;
  registry: Registry;
  /** The service's state: /healthz is 503 exactly when it failed, /readyz 503 unless it is ready. */
  lifecycle: Lifecycle;
  /** While ready: a condition that keeps the service from doing its work right now, named in /readyz. */
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
  // prom-client's event-loop delay histogram wakes a timer at this resolution and records the raw
  // interval: at its default 10 ms that is a hundred wake-ups a second at rest, and at a coarser
  // resolution its min/mean/percentiles would only read back the resolution. Its timer is made
  // idle and the gauges read from it dropped; nodejs_eventloop_lag_seconds (setImmediate, measured
  // when scraped) stays, and a blocked loop is the EventLoopWatchdog's job.
  collectDefaultMetrics({ register: registry, eventLoopMonitoringPrecision: 2 ** 31 - 1 });
  for (const stat of ['min', 'max', 'mean', 'stddev', 'p50', 'p90', 'p99']) registry.removeSingleMetric(`nodejs_eventloop_lag_${stat}_seconds`);
  return registry;
}

/**
 * The operational endpoints every Kafka service exposes: `/healthz`, `/readyz`, `/metrics`
 * (Prometheus text format). Kept off the public API port so it can stay cluster-internal.
 */
export function createOpsServer(opts: OpsServerOptions): OpsServer {
  let server: Server | undefined;
  const handler = async (path: string): Promise<{ status: number; type: string; body: string }> => {
    const { lifecycle } = opts;
    if (path === '/healthz') {
      const ok = lifecycle.healthy;
      const reason = lifecycle.failure;
      return { status: ok ? 200 : 503, type: 'application/json', body: JSON.stringify({ status: ok ? 'ok' : 'unhealthy', state: lifecycle.state, ...(ok ? {} : { reason }) }) };
    }
    if (path === '/readyz') {
      // An unreachable dependency is named before the service's own conditions: it is usually
      // their cause (Kafka down → consumer restarting).
      const reason = lifecycle.notReadyReason() ?? (await opts.dependencies?.failing()) ?? opts.notReadyReason?.();
      // The state as it is after the await: a failure meanwhile is not reported as ready.
      const ok = reason === undefined && lifecycle.state === 'ready';
      return { status: ok ? 200 : 503, type: 'application/json', body: JSON.stringify({ status: ok ? 'ready' : 'not ready', state: lifecycle.state, ...(ok ? {} : { reason: reason ?? lifecycle.notReadyReason() }) }) };
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
