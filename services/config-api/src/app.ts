import { readFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { createTokenVerifier } from '@herald/auth';
import { AttemptLog, InspectionStore, readEndpointHealth, redriveDeadLetters, resendDelivery } from '@herald/delivery';
import { kafkaConnection } from '@herald/config';
import { createKafka, TOPICS } from '@herald/kafka';
import type { Logger } from '@herald/logger';
import { connectDb, createMongoClient, mongoCheck, type Db } from '@herald/mongo';
import { createOpsServer, createServiceLifecycle, DependencyProbes } from '@herald/observability';
import { AuditLog, AuthorizationMailLog, AuthorizedEmailStore, BreakerStateStore, InAppStore, RecentRefsStore } from '@herald/store';
import { NotificationStore } from '@herald/subscriptions';
import { Auditor } from './audit/auditor.js';
import { AuditRetention } from './audit/retention.js';
import type { ConfigApiConfig } from './config.js';
import type { ApiDeps, ReadinessReport } from './deps.js';
import { buildServer } from './http/server.js';
import { createKafkaSide } from './kafka-side.js';
import { createSmtpMailer } from './mail/mailer.js';
import { installHttpMetrics } from './metrics.js';
import { installRecentRefsMetrics } from './recent-refs/metrics.js';
import { RecentRefsRecorder } from './recent-refs/recorder.js';
import { ReplayStore } from './replay/replay-store.js';
import { ReplayTasks } from './replay/replay-tasks.js';
import { createDestinationGuard } from './validation/destination-guard.js';
import { SecretExpiry } from './secret-expiry.js';

export { loadConfig, configShape } from './config.js';
export type { ConfigApiConfig } from './config.js';
/** The create body's schema, as validated and documented, and the validator (tests check responses against the document). */
export { NotificationCreateRequest } from './schemas/notification.js';
export { compileSchema } from './schemas/ajv.js';

export interface ConfigApi {
  /** Connects MongoDB and Kafka, then listens. Resolves to the base URL it listens on. */
  start(): Promise<{ url: string }>;
  /** Idempotent: stops accepting requests, waits for in-flight ones, then closes Kafka and MongoDB. */
  stop(): Promise<void>;
}

/** A running replay whose instance wrote no progress for this long is shown failed. */
const REPLAY_STALE_MS = 30_000;

/** Builds the config service. Constructing connects nothing; `start()` does. */
export function createApp(config: ConfigApiConfig, logger: Logger): ConfigApi {
  const verifier = createTokenVerifier({
    hmacSecret: config.AUTH_JWT_SECRET,
    publicKeyPem: config.AUTH_JWT_PUBLIC_KEY_FILE ? readFileSync(config.AUTH_JWT_PUBLIC_KEY_FILE, 'utf8') : undefined,
    issuer: config.AUTH_JWT_ISSUER,
    audience: config.AUTH_JWT_AUDIENCE,
    superuser: config.AUTH_SUPERUSER,
  });
  const mongo = createMongoClient({ url: config.MONGO_URL });
  const kafka = createKafka({ ...kafkaConnection(config), clientId: `${config.KAFKA_CLIENT_ID}-config-api`, logger });
  const kafkaSide = createKafkaSide(kafka, config, logger);
  const mailer = createSmtpMailer({
    host: config.SMTP_HOST,
    port: config.SMTP_PORT,
    secure: config.SMTP_SECURE,
    user: config.SMTP_USER,
    password: config.SMTP_PASSWORD,
    from: config.SMTP_FROM,
  });

  let db: Db | undefined;
  let stopping: Promise<void> | undefined;
  // Requests need both right now: MongoDB for every read and write, Kafka for the change feed.
  const dependencies = new DependencyProbes([mongoCheck(mongo), kafkaSide.check]);

  const lazy = <T>(get: () => T | undefined, what: string): T => {
    const v = get();
    if (v === undefined) throw new Error(`${what} used before start()`);
    return v;
  };
  let stores:
    | {
        notifications: NotificationStore;
        emails: AuthorizedEmailStore;
        mailLog: AuthorizationMailLog;
        inapp: InAppStore;
        attempts: AttemptLog;
        inspections: InspectionStore;
        breakers: BreakerStateStore;
        recentRefs: RecentRefsStore;
        replays: ReplayStore;
        audit: AuditLog;
      }
    | undefined;
  const recorder = new RecentRefsRecorder({
    kafka,
    codec: kafkaSide.codec,
    store: () => lazy(() => stores?.recentRefs, 'recent refs store'),
    groupId: config.RECENT_REFS_GROUP_ID,
    fromBeginning: config.RECENT_REFS_FROM_BEGINNING,
    retentionMs: config.RECENT_REFS_RETENTION_DAYS * 24 * 3600 * 1000,
    logger,
  });

  const replays = new ReplayTasks({
    kafka,
    codec: kafkaSide.codec,
    store: () => lazy(() => stores?.replays, 'replay store'),
    topic: TOPICS.repositoryEvents,
    maxEventsPerSecond: config.REPLAY_MAX_EVENTS_PER_SECOND,
    maxWindowMs: config.REPLAY_MAX_WINDOW_HOURS * 3_600_000,
    maxConcurrent: config.REPLAY_MAX_CONCURRENT,
    logger,
  });

  const secretExpiry = new SecretExpiry(() => lazy(() => stores?.notifications, 'notification store'), logger);
  const auditLog = (): AuditLog => lazy(() => stores?.audit, 'audit log');
  const auditor = new Auditor(auditLog, logger);
  const auditRetention = new AuditRetention(auditLog, config.AUDIT_RETENTION_DAYS * 24 * 3600 * 1000, logger);

  const deps: ApiDeps = {
    verifier,
    get notifications() {
      return lazy(() => stores?.notifications, 'notification store');
    },
    get emails() {
      return lazy(() => stores?.emails, 'e-mail store');
    },
    get mailLog() {
      return lazy(() => stores?.mailLog, 'mail log');
    },
    mailLimits: {
      perAddressIntervalMs: config.EMAIL_RATE_ADDRESS_INTERVAL_SECONDS * 1000,
      perAddressDaily: config.EMAIL_RATE_ADDRESS_DAILY,
      perRepositoryDaily: config.EMAIL_RATE_REPOSITORY_DAILY,
    },
    get inapp() {
      return lazy(() => stores?.inapp, 'in-app store');
    },
    get attempts() {
      return lazy(() => stores?.attempts, 'attempt log');
    },
    get recentRefs() {
      return lazy(() => stores?.recentRefs, 'recent refs store');
    },
    redrive: (n) =>
      redriveDeadLetters({ kafka, codec: kafkaSide.codec, db: lazy(() => db, 'database'), method: n.method, notificationUuid: n.uuid, logger }),
    replays,
    deliveries: {
      list: (uuid, o) => lazy(() => stores?.inspections, 'inspection store').list(uuid, o),
      get: (uuid, id) => lazy(() => stores?.inspections, 'inspection store').get(uuid, id),
      health: (uuid, window) => readEndpointHealth(lazy(() => db, 'database'), uuid, { window }),
      breaker: (method, destination) => lazy(() => stores?.breakers, 'breaker store').get(method, destination),
      breakers: (method) => lazy(() => stores?.breakers, 'breaker store').list(method),
      resend: (n, deliveryId) =>
        resendDelivery({ producer: kafkaSide.jobs, codec: kafkaSide.codec, inspections: lazy(() => stores?.inspections, 'inspection store'), notification: n, deliveryId }),
      retentionDays: config.INSPECTION_RETENTION_DAYS,
    },
    changes: kafkaSide.changes,
    testDelivery: kafkaSide.testDelivery,
    mailer,
    destinations: createDestinationGuard({ webhook: config.WEBHOOK_ALLOW_LIST, slack: config.SLACK_ALLOW_LIST }),
    publicUrl: config.PUBLIC_URL.replace(/\/+$/, ''),
    emailCodeTtlMs: config.EMAIL_CODE_TTL_SECONDS * 1000,
    secretOverlapMs: config.SIGNING_SECRET_OVERLAP_SECONDS * 1000,
    secretExpiry,
    get audit() {
      return auditLog();
    },
    auditor,
    async readiness(): Promise<ReadinessReport> {
      // `service` is made below, with the HTTP server's metrics registry; this runs only when asked.
      const l = service.lifecycle;
      const checks = await dependencies.checks();
      const reason = l.notReadyReason() ?? (await dependencies.failing());
      const ready = reason === undefined && l.state === 'ready';
      return { ready, state: l.state, ...(ready ? {} : { reason: reason ?? l.notReadyReason() }), checks, recent_refs: recorder.status() };
    },
    health() {
      const l = service.lifecycle;
      return { healthy: l.healthy, state: l.state, ...(l.failure ? { reason: l.failure } : {}) };
    },
  };
  const server = buildServer(deps, logger);
  const registry = installHttpMetrics(server);
  registry.registerMetric(auditor.failures);
  installRecentRefsMetrics(registry, { kafka, groupId: config.RECENT_REFS_GROUP_ID, recorder });
  const service = createServiceLifecycle({ logger, registry, stop: () => app.stop(), eventLoopStallMs: config.EVENT_LOOP_STALL_MS });
  const { lifecycle, watchdog } = service;
  // Metrics and probes also on the ops port, like every Herald service, so platforms scrape one way.
  const ops = createOpsServer({ host: config.OPS_HOST, port: config.OPS_PORT, logger, registry, lifecycle, dependencies });

  const app: ConfigApi = {
    async start() {
      watchdog.start();
      db = await connectDb(mongo, config.MONGO_DB);
      stores = {
        notifications: new NotificationStore(db),
        emails: new AuthorizedEmailStore(db),
        mailLog: new AuthorizationMailLog(db),
        inapp: new InAppStore(db),
        attempts: new AttemptLog(db),
        inspections: new InspectionStore(db),
        breakers: new BreakerStateStore(db),
        recentRefs: new RecentRefsStore(db, config.RECENT_REFS_LIMIT),
        replays: new ReplayStore(db, REPLAY_STALE_MS),
        audit: new AuditLog(db),
      };
      await Promise.all([
        stores.notifications.ensureIndexes(),
        stores.emails.ensureIndexes(),
        stores.mailLog.ensureIndexes(),
        stores.inapp.ensureIndexes(),
        stores.recentRefs.ensureIndexes(),
        stores.audit.ensureIndexes(),
      ]);
      await kafkaSide.connect();
      secretExpiry.start();
      auditRetention.start();
      await server.listen({ host: config.HTTP_HOST, port: config.HTTP_PORT });
      await ops.start();
      // Last, and not awaited past its subscription: the API does not wait for the ref preview's consumer.
      await recorder.start();
      const addr = server.server.address() as AddressInfo;
      const host = addr.family === 'IPv6' ? `[${addr.address}]` : addr.address;
      lifecycle.ready();
      logger.info({ host: addr.address, port: addr.port }, 'config api listening');
      return { url: `http://${host}:${addr.port}` };
    },
    stop() {
      stopping ??= (async () => {
        lifecycle.draining();
        await server.close().catch((err: unknown) => logger.error({ err }, 'http close failed'));
        await ops.stop();
        secretExpiry.stop();
        auditRetention.stop();
        await recorder.stop();
        await replays.stop();
        await kafkaSide.disconnect().catch((err: unknown) => logger.error({ err }, 'kafka disconnect failed'));
        mailer.close();
        await mongo.close().catch((err: unknown) => logger.error({ err }, 'mongo close failed'));
        lifecycle.stopped();
        await watchdog.stop();
        logger.info('config api stopped');
      })();
      return stopping;
    },
  };
  return app;
}
