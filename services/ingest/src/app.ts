import { kafkaConnection, registryConnection } from '@herald/config';
import type { AddressInfo } from 'node:net';
import { SCHEMAS, SchemaRegistryCodec, SUBJECTS } from '@herald/events';
import { createKafka, createRecordProducer, kafkaCheck, TOPICS, topicSpecs, verifyTopics } from '@herald/kafka';
import type { Logger } from '@herald/logger';
import { activeTracer, createOpsServer, createServiceLifecycle, DependencyProbes } from '@herald/observability';
import { createCoalescer, parseDistributionEnvelope, parseHarborPayload, type Coalescer } from '@herald/registry-ingest';
import { createAccept } from './accept.js';
import type { IngestConfig } from './config.js';
import { FloodGuard } from './http/flood-guard.js';
import { createRegistryAuth } from './http/registry-auth.js';
import { buildServer } from './http/server.js';
import { ingestMetrics } from './metrics.js';
import { ProducerLanes } from './producer-lanes.js';
import { RecentIds } from './recent-ids.js';

export { loadConfig, configShape } from './config.js';
export type { IngestConfig } from './config.js';

export interface IngestApp {
  /** Connects Kafka, starts the coalescer, then listens. Resolves to the base URL registries post to. */
  start(): Promise<{ url: string }>;
  /** Idempotent: stops accepting, waits for in-flight requests, closes open windows, disconnects. */
  stop(): Promise<void>;
  opsPort(): number;
}

/** The ingest service: registry events in over HTTP, coalesced Herald events out. Constructing connects nothing. */
export function createApp(config: IngestConfig, logger: Logger): IngestApp {
  const kafka = createKafka({ ...kafkaConnection(config), clientId: `${config.KAFKA_CLIENT_ID}-ingest`, logger });
  const codec = new SchemaRegistryCodec({ ...registryConnection(config), clientId: 'herald-ingest' });
  const producer = new ProducerLanes(
    Array.from({ length: config.INGEST_PRODUCERS }, (_, i) => createRecordProducer({ ...kafkaConnection(config), clientId: `${config.KAFKA_CLIENT_ID}-ingest-edge-${i}`, logger })),
  );
  // Read at scrape time only, after the coalescer exists.
  const metrics = ingestMetrics({ openWindows: () => coalescer.openWindows() });
  const { lifecycle, watchdog } = createServiceLifecycle({ logger, registry: metrics.registry, stop: () => app.stop(), eventLoopStallMs: config.EVENT_LOOP_STALL_MS });

  const coalescer: Coalescer = createCoalescer({
    kafka,
    logger: logger.child({ component: 'coalescer' }),
    groupId: config.INGEST_GROUP_ID,
    topic: TOPICS.ingestRecords,
    outputTopic: TOPICS.repositoryEvents,
    transactionalId: `herald-ingest-${config.INGEST_INSTANCE_ID}`,
    limits: { windowMs: config.INGEST_WINDOW_MS, maxTags: config.INGEST_WINDOW_MAX_TAGS, dedupeIds: config.INGEST_DEDUPE_IDS },
    dedupeHorizonMs: config.INGEST_DEDUPE_HORIZON_MS,
    encode: (e) => codec.encode(SUBJECTS.repositoryEvents, e),
    onFatal: (err) => lifecycle.fail(`coalescer: ${err.message}`),
    onRecord: (outcome) => metrics.coalesced.inc({ outcome }),
    onCommit: (events) => {
      for (const e of events) metrics.events.inc({ kind: e.kind });
    },
    tracer: activeTracer(),
  });

  const host = { defaultRegistryHost: config.INGEST_REGISTRY_HOST, pulls: config.INGEST_PULLS };
  const server = buildServer(
    {
      authenticate: createRegistryAuth(config.tokens),
      guard: new FloodGuard({ ratePerSecond: config.INGEST_RATE_PER_SECOND, burst: config.INGEST_RATE_BURST, maxInFlight: config.INGEST_MAX_IN_FLIGHT }),
      parse: { distribution: (b) => parseDistributionEnvelope(b, host), harbor: (b) => parseHarborPayload(b, host) },
      accept: createAccept({ producer, metrics, published: new RecentIds(config.INGEST_DEDUPE_IDS) }),
      metrics,
      accepting: () => lifecycle.state === 'ready',
    },
    logger,
  );
  const kafkaProbe = kafkaCheck(kafka);
  const ops = createOpsServer({
    host: config.OPS_HOST,
    port: config.OPS_PORT,
    logger,
    registry: metrics.registry,
    lifecycle,
    dependencies: new DependencyProbes([kafkaProbe]),
    notReadyReason: () => (!coalescer.consuming ? 'kafka: coalescer not consuming' : undefined),
  });
  let port = 0;
  let stopping: Promise<void> | undefined;

  const app: IngestApp = {
    opsPort: () => port,
    async start() {
      watchdog.start();
      port = await ops.start();
      await verifyTopics(kafka, topicSpecs().filter((s) => s.name === TOPICS.ingestRecords || s.name === TOPICS.repositoryEvents));
      await codec.register(SUBJECTS.repositoryEvents, SCHEMAS.repositoryEvent);
      await producer.connect([TOPICS.ingestRecords]);
      await coalescer.start();
      await server.listen({ host: config.HTTP_HOST, port: config.HTTP_PORT });
      const addr = server.server.address() as AddressInfo;
      const shown = addr.family === 'IPv6' ? `[${addr.address}]` : addr.address;
      lifecycle.ready();
      logger.info({ host: addr.address, port: addr.port, registries: [...config.tokens.values()], opsPort: port }, 'ingest listening');
      return { url: `http://${shown}:${addr.port}` };
    },
    stop() {
      stopping ??= (async () => {
        lifecycle.draining();
        await server.close().catch((err: unknown) => logger.error({ err }, 'http close failed'));
        await coalescer.stop().catch((err: unknown) => logger.error({ err }, 'coalescer stop failed'));
        await producer.close().catch((err: unknown) => logger.error({ err }, 'producer close failed'));
        await kafkaProbe.close();
        lifecycle.stopped();
        await ops.stop();
        await watchdog.stop();
        logger.info('ingest stopped');
      })();
      return stopping;
    },
  };
  return app;
}
