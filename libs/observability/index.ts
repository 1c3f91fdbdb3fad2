export { createOpsServer, createMetricsRegistry } from './ops-server.js';
export type { OpsServer, OpsServerOptions } from './ops-server.js';
export { installShutdown } from './shutdown.js';
export { Counter, Gauge, Histogram, type Registry } from 'prom-client';
export { HotCounter, HotHistogram } from './hot-metrics.js';
export { DependencyProbes } from './dependency-probes.js';
export type { DependencyCheck, DependencyProbesOptions } from './dependency-probes.js';
