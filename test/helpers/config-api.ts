// Tests start the config service in-process; a test may import a service's app factory (and only that).
import { randomUUID } from 'node:crypto';
import { createApp, loadConfig } from '@herald/config-api';
import { PassThrough } from 'node:stream';
import { createLogger } from '@herald/logger';
import { httpClient, type HttpClient } from './http.js';
import { testKafka } from './kafka.js';
import { openTestDb, testDbName, type TestDb } from './mongo.js';
import { startSmtpServer, type TestSmtpServer } from './smtp.js';
import { TEST_JWT_SECRET, TEST_SUPERUSER } from './tokens.js';

export interface RunningConfigApi {
  url: string;
  request: HttpClient;
  /** The service's own database (a unique name, dropped by `stop()`). */
  db: TestDb;
  smtp: TestSmtpServer;
  /** Every log line the service wrote, when started with `captureLogs`. */
  logs(): string[];
  stop(): Promise<void>;
}

export interface StartOptions {
  /** Environment overrides. */
  env?: Record<string, string>;
  /** Keep the service's log lines (at LOG_LEVEL, default info) for assertions instead of printing them. */
  captureLogs?: boolean;
}

/**
 * Starts the config service in-process on 127.0.0.1:<random port> against the local stack, with a
 * fresh database, a real SMTP server, TEST_JWT_SECRET and TEST_SUPERUSER, and 127.0.0.1 allowed as a
 * webhook and Slack destination. Its recent-refs consumer gets a group of its own that starts at the
 * end of repository-events (not every earlier test's and benchmark's events), deleted by `stop()`.
 * `env` overrides variables.
 */
export async function startConfigApi(opts: StartOptions = {}): Promise<RunningConfigApi> {
  const env = opts.env ?? {};
  const smtp = await startSmtpServer();
  const dbName = testDbName('config_api');
  const config = loadConfig({
    ...process.env,
    HTTP_HOST: '127.0.0.1',
    HTTP_PORT: '0',
    OPS_PORT: '0',
    MONGO_DB: dbName,
    AUTH_JWT_SECRET: TEST_JWT_SECRET,
    AUTH_JWT_PUBLIC_KEY_FILE: '',
    AUTH_SUPERUSER: TEST_SUPERUSER,
    SMTP_HOST: smtp.host,
    SMTP_PORT: String(smtp.port),
    SMTP_SECURE: 'false',
    SMTP_USER: '',
    PUBLIC_URL: 'http://herald.test',
    // Tests deliver to receivers on loopback, as the delivery services they start allow.
    WEBHOOK_ALLOW_LIST: '127.0.0.1',
    SLACK_ALLOW_LIST: '127.0.0.1',
    RECENT_REFS_GROUP_ID: `herald-test-config-api-recent-refs-${randomUUID()}`,
    RECENT_REFS_FROM_BEGINNING: 'false',
    LOG_LEVEL: process.env['TEST_LOG_LEVEL'] ?? (opts.captureLogs ? 'info' : 'warn'),
    ...env,
  });
  const lines: string[] = [];
  let destination: PassThrough | undefined;
  if (opts.captureLogs) {
    destination = new PassThrough();
    let partial = '';
    destination.on('data', (c: Buffer) => {
      const parts = (partial + c.toString('utf8')).split('\n');
      partial = parts.pop() ?? '';
      lines.push(...parts.filter((l) => l !== ''));
    });
  }
  const logger = createLogger({ service: 'config-api', level: config.LOG_LEVEL, ...(destination ? { destination } : {}) });
  const app = createApp(config, logger);
  let url: string;
  try {
    ({ url } = await app.start());
  } catch (err) {
    await app.stop();
    await smtp.close();
    throw err;
  }
  const db = await openTestDb(undefined, dbName);
  return {
    url,
    request: httpClient(url),
    db,
    smtp,
    logs: () => [...lines],
    async stop() {
      await app.stop();
      await db.drop();
      await smtp.close();
      if (!env['RECENT_REFS_GROUP_ID']) await deleteGroup(config.RECENT_REFS_GROUP_ID);
    },
  };
}

/** Deletes a consumer group the service left (best effort: an outage test may have cut Kafka). */
async function deleteGroup(groupId: string): Promise<void> {
  const admin = testKafka('herald-test-config-api').admin();
  try {
    await admin.connect();
    await admin.deleteGroups([groupId]);
  } catch {
    // An empty group that was never committed to expires by itself.
  } finally {
    await admin.disconnect().catch(() => undefined);
  }
}
