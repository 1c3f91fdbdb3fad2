import { createLogger } from '@herald/logger';
import { installShutdown, startTracing } from '@herald/observability';
import { createApp } from './app.js';
import { loadConfig } from './config.js';

const config = loadConfig();
const logger = createLogger({ service: 'ingest', level: config.LOG_LEVEL });
// Off unless an OTLP endpoint is set (OTEL_* variables); before createApp, which takes the tracer.
const tracing = await startTracing({ service: 'herald-ingest', logger });
const app = createApp(config, logger);
installShutdown({ logger, stop: app.stop, tracing, timeoutMs: config.SHUTDOWN_TIMEOUT_MS });
await app.start();
