import { DELIVERY_JOB_SCHEMA, SchemaRegistryCodec, SUBJECTS } from '@herald/events';
import { consumerLag, createKafka, createTransactionalPipe, DELIVERY_METHODS, kafkaCheck, TOPICS, topicSpecs, verifyTopics } from '@herald/kafka';
import type { Logger } from '@herald/logger';
import { connectDb, createMongoClient, mongoCheck } from '@herald/mongo';
import { createOpsServer, DependencyProbes } from '@herald/observability';
import { NotificationStore, registryChangeCodec, SubscriptionView } from '@herald/subscriptions';
import type { RouterConfig } from './config.js';
import { routerMetrics } from './metrics.js';
import { routeBatch } from './route-batch.js';

/** How long /healthz shows an unrecoverable failure before the process stops and exits. */
const FATAL_GRACE_MS = 5_000;

export interface RouterApp {
  start(): Promise<void>;
  stop(): Promise<void>;
  /** The ops server's port once started (0 = ephemeral in tests). */
  opsPort(): number;
}

/** The topics the router reads and writes; provisioned by `npx herald topics apply`, checked at start. */
function routerTopics(): ReturnType<typeof topicSpecs> {
  const names = new Set<string>([TOPICS.repositoryEvents, TOPICS.repositoryEventsDlq, TOPICS.subscriptionChanges, ...DELIVERY_METHODS.map((m) => TOPICS.jobs(m))]);
  return topicSpecs().filter((s) => names.has(s.name));
}

/** The router: repository events joined with subscriptions into delivery jobs, exactly once. */
export function createApp(config: RouterConfig, logger: Logger): RouterApp {
  const kafka = createKafka({ brokers: config.KAFKA_BROKERS, clientId: `${config.KAFKA_CLIENT_ID}-router`, logger });
  const codec = new SchemaRegistryCodec({ url: config.SCHEMA_REGISTRY_URL, clientId: 'herald-router' });
  const mongo = createMongoClient({ url: config.MONGO_URL });
  let view: SubscriptionView | undefined;
  const metrics = routerMetrics({
    lag: () => consumerLag(kafka, config.ROUTER_GROUP_ID, TOPICS.repositoryEvents).catch(() => new Map<number, number>()),
    subscriptions: () => view?.index.size ?? 0,
  });
  let running = false;
  let stopped: Promise<void> | undefined;
  let port = 0;

  const pipe = createTransactionalPipe({
    kafka,
    logger,
    groupId: config.ROUTER_GROUP_ID,
    topic: TOPICS.repositoryEvents,
    transactionalId: `herald-router-${config.ROUTER_INSTANCE_ID}`,
    sessionTimeoutMs: config.ROUTER_SESSION_TIMEOUT_MS,
    transform: (messages, source) => routeBatch(messages, source, { codec, view: view!, metrics }),
    onCommit: ({ messages }) => {
      metrics.transactions.inc();
      const now = Date.now();
      for (const m of messages) metrics.eventToJobSeconds.observe(Math.max(0, now - Number(m.timestamp)) / 1000);
    },
    onFatal: (err) => fail(`consumer crashed: ${(err as Error)?.message ?? String(err)}`),
  });

  let fatal: string | undefined;
  // Unrecoverable (the pipe's consumer crashed for good, the subscription feed was lost): /healthz
  // shows it for a short grace, then the app stops as on SIGTERM and the process exits non-zero.
  function fail(reason: string): void {
    if (fatal || stopped) return;
    fatal = reason;
    logger.error({ reason, graceMs: FATAL_GRACE_MS }, 'router failed: stopping, then exiting non-zero');
    setTimeout(() => void app.stop().finally(() => process.exit(1)), FATAL_GRACE_MS).unref();
  }
  function notReadyReason(): string | undefined {
    if (fatal) return `failed: ${fatal}`;
    if (!running) return stopped ? 'draining' : 'starting';
    if (view && !view.consuming) return 'kafka: subscription feed not consuming';
    return undefined;
  }
  const kafkaProbe = kafkaCheck(kafka);
  const ops = createOpsServer({
    host: config.OPS_HOST,
    port: config.OPS_PORT,
    logger,
    registry: metrics.registry,
    // Routing needs Kafka; MongoDB only to bootstrap, but a router that cannot reach it could not
    // restart, and the change feed's upserts are read from it: both are named when unreachable.
    dependencies: new DependencyProbes([kafkaProbe, mongoCheck(mongo)]),
    ready: () => notReadyReason() === undefined,
    notReadyReason,
    healthy: () => fatal === undefined,
  });

  const app: RouterApp = {
    opsPort: () => port,
    async start() {
      port = await ops.start();
      await verifyTopics(kafka, routerTopics());
      await Promise.all(DELIVERY_METHODS.map((m) => codec.register(SUBJECTS.jobs(m), DELIVERY_JOB_SCHEMA)));
      const db = await connectDb(mongo, config.MONGO_DB);
      view = new SubscriptionView({ kafka, store: new NotificationStore(db), codec: registryChangeCodec(codec), logger, groupPrefix: `${config.ROUTER_GROUP_ID}-view`, onFatal: (err) => fail(`subscription feed lost: ${err.message}`) });
      await view.start();
      await pipe.start();
      running = true;
      logger.info({ groupId: config.ROUTER_GROUP_ID, instance: config.ROUTER_INSTANCE_ID, opsPort: port }, 'router started');
    },
    stop() {
      stopped ??= (async () => {
        running = false;
        await pipe.stop();
        await view?.stop();
        await kafkaProbe.close();
        await mongo.close();
        await ops.stop();
      })();
      return stopped;
    },
  };
  return app;
}
