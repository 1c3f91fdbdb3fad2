import { createLogger } from '@herald/logger';
import { installShutdown } from '@herald/observability';
import { createApp } from './app.js';
import { loadConfig } from './config.js';

const config = loadConfig();
const logger = createLogger({ service: 'ingest', level: config.LOG_LEVEL });
const app = createApp(config, logger);
installShutdown({ logger, stop: app.stop, timeoutMs: config.SHUTDOWN_TIMEOUT_MS });
await app.start();
