import { createLogger } from '@herald/logger';
import { createApp } from './app.js';
import { loadConfig } from './config.js';
import { installShutdown } from '@herald/observability';

const config = loadConfig(process.env);
const logger = createLogger({ service: 'config-api', level: config.LOG_LEVEL });
const app = createApp(config, logger);
installShutdown({ logger, stop: app.stop, timeoutMs: config.SHUTDOWN_TIMEOUT_MS });
try {
  await app.start();
} catch (err) {
  logger.fatal({ err }, 'config api failed to start');
  await app.stop();
  process.exit(1);
}
