import { createDeliveryRuntime } from './runtime.js';
import type { Sender } from './sender.js';
import { kafkaConnection, registryConnection } from '@herald/config';
import { SchemaRegistryCodec } from '@herald/events';
import { createKafka, createRecordProducer, kafkaCheck, type DeliveryMethod } from '@herald/kafka';
import type { Logger } from '@herald/logger';
import { connectDb, createMongoClient, mongoCheck, type Db } from '@herald/mongo';
import { createMetricsRegistry, createOpsServer, createServiceLifecycle, DependencyProbes, NeededDependency } from '@herald/observability';
import { AddressGuard, createGuardedHttpClient, type GuardedAgentOptions, type GuardedHttpClient } from '@herald/http-guard';
import { runtimeTuning, type DeliveryConfig } from './service-config.js';

export interface DeliveryApp {
  start(): Promise<void>;
  stop(): Promise<void>;
  /** The ops server's port once started (0 = ephemeral in tests). */
  opsPort(): number;
}

export interface DeliveryAppParts {
  /** e.g. `delivery-slack`: metrics prefix, Kafka client id, log records. */
  service: string;
  method: DeliveryMethod;
  config: DeliveryConfig;
  logger: Logger;
  /** The method's sender, made once MongoDB is connected (some senders read it). */
  sender(db: Db): Sender | Promise<Sender>;
  /** Releases what the sender holds (connection pools); called after the runtime stopped. */
  close?(): Promise<void> | void;
  /** `host:port` of the one API every notification's attempts go to (Flowdock, HipChat): its circuit breaker. */
  destination?: string | undefined;
  /** Fields for the "started" log record (e.g. the allow-list). */
  startInfo?: Record<string, unknown>;
}

/**
 * A delivery service: the shared delivery runtime with one method's sender, and the ops server
 * (health, readiness, metrics). Constructing connects nothing; `start()` connects dependencies
 * first and consumes last; `stop()` drains in-flight attempts within the shutdown budget.
 */
export function createDeliveryApp(p: DeliveryAppParts): DeliveryApp {
  const { config, logger } = p;
  const registry = createMetricsRegistry(p.service);
  const kafka = createKafka({ ...kafkaConnection(config), clientId: `${config.KAFKA_CLIENT_ID}-${p.service}`, logger });
  const codec = new SchemaRegistryCodec({ ...registryConnection(config), clientId: `herald-${p.service}` });
  const mongo = createMongoClient({ url: config.MONGO_URL });
  let sender: Sender | undefined;
  // The runtime takes its sender up front; the real one needs MongoDB, so it is bound in start().
  const late: Sender = {
    method: p.method,
    send: (req) => {
      if (!sender) throw new Error('sender used before start');
      return sender.send(req);
    },
  };
  const records = createRecordProducer({ ...kafkaConnection(config), clientId: `${config.KAFKA_CLIENT_ID}-${p.service}`, logger });
  let stopped: Promise<void> | undefined;
  // A failure the runtime cannot recover from (or a blocked event loop): /healthz answers 503 for
  // a short grace, then the app stops as on SIGTERM and the process exits non-zero.
  const { lifecycle, watchdog } = createServiceLifecycle({ logger, registry, stop: () => app.stop(), eventLoopStallMs: config.EVENT_LOOP_STALL_MS });
  const kafkaProbe = kafkaCheck(kafka);
  // Jobs need both right now: Kafka to consume and record outcomes, MongoDB to look notifications
  // up; the schema registry only for a job whose schema id is not cached.
  const schemaRegistry = new NeededDependency('schema-registry');
  const dependencies = new DependencyProbes([kafkaProbe, mongoCheck(mongo), schemaRegistry]);
  const runtime = createDeliveryRuntime({ method: p.method, sender: late, kafka, records, codec, mongo, dbName: config.MONGO_DB, logger, registry, ...runtimeTuning(config), lifecycle, dependencies, schemaRegistry, destination: p.destination });
  const ops = createOpsServer({
    host: config.OPS_HOST,
    port: config.OPS_PORT,
    logger,
    registry,
    lifecycle,
    dependencies,
    notReadyReason: () => runtime.notReadyReason(),
  });
  let port = 0;

  const app: DeliveryApp = {
    opsPort: () => port,
    async start() {
      watchdog.start();
      port = await ops.start();
      sender = await p.sender(await connectDb(mongo, config.MONGO_DB));
      await runtime.start();
      lifecycle.ready();
      logger.info({ opsPort: port, groupId: config.DELIVERY_GROUP_ID, ...p.startInfo }, `${p.service} started`);
    },
    stop() {
      stopped ??= (async () => {
        lifecycle.draining();
        // Leave a few seconds of the shutdown budget for commits and disconnects.
        await runtime.stop({ drainMs: Math.max(0, config.SHUTDOWN_TIMEOUT_MS - 3_000) });
        await p.close?.();
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

export interface HttpDeliveryAppParts extends Omit<DeliveryAppParts, 'sender' | 'close'> {
  /** Exceptions to the SSRF guard (the method's `*_ALLOW_LIST`). */
  allowList: readonly string[];
  /** The guarded client's other options (pool size, TLS material, keep-alive). */
  http?: Omit<GuardedAgentOptions, 'guard'>;
  /** The method's sender, over the service's one SSRF-guarded HTTP client. */
  sender(http: GuardedHttpClient): Sender;
}

/**
 * A delivery service that posts over HTTP (webhook, Slack, Flowdock, HipChat): one SSRF-guarded
 * client with keep-alive pools, connect timeout = the attempt timeout, closed after the runtime.
 */
export function createHttpDeliveryApp(p: HttpDeliveryAppParts): DeliveryApp {
  const { allowList, http: httpOptions, sender, ...parts } = p;
  const http = createGuardedHttpClient({
    guard: new AddressGuard({ allow: allowList }),
    connectTimeoutMs: p.config.DELIVERY_ATTEMPT_TIMEOUT_MS,
    ...httpOptions,
  });
  return createDeliveryApp({ ...parts, sender: () => sender(http), close: () => http.close().catch(() => undefined) });
}
