import { kafkaConnection, registryConnection } from '@herald/config';
import { DELIVERY_JOB_SCHEMA, SchemaRegistryCodec, SUBJECTS } from '@herald/events';
import { consumerLag, createKafka, createTransactionalPipe, DELIVERY_METHODS, fencedCause, kafkaCheck, TOPICS, topicSpecs, verifyTopics } from '@herald/kafka';
import type { Logger } from '@herald/logger';
import { connectDb, createMongoClient, mongoCheck } from '@herald/mongo';
import { activeMessageTraces, createOpsServer, createServiceLifecycle, DependencyProbes, NeededDependency } from '@herald/observability';
import { routeBatch } from '@herald/routing';
import { NotificationStore, registryChangeCodec, SubscriptionView } from '@herald/subscriptions';
import type { RouterConfig } from './config.js';
import { routerMetrics } from './metrics.js';

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
  const kafka = createKafka({ ...kafkaConnection(config), clientId: `${config.KAFKA_CLIENT_ID}-router`, logger });
  const codec = new SchemaRegistryCodec({ ...registryConnection(config), clientId: 'herald-router' });
  const mongo = createMongoClient({ url: config.MONGO_URL });
  let view: SubscriptionView | undefined;
  const metrics = routerMetrics({
    lag: () => consumerLag(kafka, config.ROUTER_GROUP_ID, TOPICS.repositoryEvents).catch(() => new Map<number, number>()),
    subscriptions: () => view?.index.size ?? 0,
  });
  let stopped: Promise<void> | undefined;
  let port = 0;
  // Unrecoverable (the pipe's consumer crashed for good, its producer was fenced, the subscription
  // feed was lost, the event loop blocked): /healthz shows it for a short grace, then the app stops
  // as on SIGTERM and the process exits non-zero.
  const { lifecycle, watchdog } = createServiceLifecycle({ logger, registry: metrics.registry, stop: () => app.stop(), eventLoopStallMs: config.EVENT_LOOP_STALL_MS });
  const transactionalId = `herald-router-${config.ROUTER_INSTANCE_ID}`;
  // Needed for an event whose schema id is not cached yet: while it does not answer, the batch is
  // retried (never dead-lettered) and /readyz names it.
  const schemaRegistry = new NeededDependency('schema-registry');
  let consumer: 'running' | 'restarting' = 'running';
  // Set when main.ts started tracing (OTEL_* variables); undefined costs routeBatch one check per batch.
  const traces = activeMessageTraces();

  /** A crash of the pipe: a fenced producer cannot recover whether or not kafkajs restarts the consumer. */
  function crashed(err: unknown, restart: boolean): void {
    const fenced = fencedCause(err);
    if (fenced) lifecycle.fail(`kafka: transactional producer fenced (${fenced.type}, transactional id ${transactionalId}): another producer took over the id or the coordinator aborted its transaction`);
    else if (!restart) lifecycle.fail(`consumer crashed: ${(err as Error)?.message ?? String(err)}`);
    else consumer = 'restarting';
  }

  async function route(messages: Parameters<typeof routeBatch>[0], source: Parameters<typeof routeBatch>[1]) {
    try {
      const out = await routeBatch(messages, source, { codec, view: view!, metrics, traces });
      schemaRegistry.succeeded();
      return out;
    } catch (err) {
      if ((err as { code?: unknown }).code === 'REGISTRY_UNAVAILABLE') {
        // The probe repeats the decode: it fetches the missing schema as soon as the registry answers.
        schemaRegistry.failed(err as Error, () => Promise.all(messages.map((m) => codec.safeDecode(m.value))));
        logger.warn({ err, ...source, offset: messages[0]?.offset }, 'schema registry unreachable, batch retried');
      }
      throw err;
    }
  }

  const pipe = createTransactionalPipe({
    kafka,
    logger,
    groupId: config.ROUTER_GROUP_ID,
    topic: TOPICS.repositoryEvents,
    transactionalId,
    sessionTimeoutMs: config.ROUTER_SESSION_TIMEOUT_MS,
    partitionsConcurrently: config.ROUTER_PARTITIONS_CONCURRENTLY,
    lingerMs: config.ROUTER_TRANSACTION_LINGER_MS,
    maxMessagesPerTransaction: config.ROUTER_MAX_JOBS_PER_TRANSACTION,
    transform: route,
    onCommit: ({ messages }) => {
      metrics.transactions.inc();
      const now = Date.now();
      for (const m of messages) metrics.eventToJobSeconds.observe(Math.max(0, now - Number(m.timestamp)) / 1000);
    },
    // Crashes are followed below, restarts included.
    onFatal: () => undefined,
  });
  pipe.consumer.on(pipe.consumer.events.CRASH, ({ payload }) => crashed(payload.error, payload.restart));
  pipe.consumer.on(pipe.consumer.events.GROUP_JOIN, () => (consumer = 'running'));

  function notReadyReason(): string | undefined {
    if (consumer !== 'running') return `kafka: event consumer ${consumer}`;
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
    dependencies: new DependencyProbes([kafkaProbe, mongoCheck(mongo), schemaRegistry]),
    lifecycle,
    notReadyReason,
  });

  const app: RouterApp = {
    opsPort: () => port,
    async start() {
      watchdog.start();
      port = await ops.start();
      await verifyTopics(kafka, routerTopics());
      await Promise.all(DELIVERY_METHODS.map((m) => codec.register(SUBJECTS.jobs(m), DELIVERY_JOB_SCHEMA)));
      const db = await connectDb(mongo, config.MONGO_DB);
      view = new SubscriptionView({ kafka, store: new NotificationStore(db), codec: registryChangeCodec(codec), logger, groupPrefix: `${config.ROUTER_GROUP_ID}-view`, onFatal: (err) => lifecycle.fail(`subscription feed lost: ${err.message}`) });
      await view.start();
      await pipe.start();
      lifecycle.ready();
      logger.info({ groupId: config.ROUTER_GROUP_ID, instance: config.ROUTER_INSTANCE_ID, opsPort: port }, 'router started');
    },
    stop() {
      stopped ??= (async () => {
        lifecycle.draining();
        await pipe.stop();
        await view?.stop();
        await kafkaProbe.close();
        await mongo.close();
        lifecycle.stopped();
        await ops.stop();
        await watchdog.stop();
      })();
      return stopped;
    },
  };
  return app;
}
