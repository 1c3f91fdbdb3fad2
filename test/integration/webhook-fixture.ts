// Shared set-up of the delivery/webhook integration tests: real Kafka, registry, FerretDB and HTTP(S)
// receivers on loopback; the webhook service in-process (or as a child process, see the crash test).
import { randomBytes, randomUUID } from 'node:crypto';
import { createServer, type IncomingHttpHeaders, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer, type ServerOptions } from 'node:https';
import type { AddressInfo, Socket } from 'node:net';
import { AttemptLog } from '@herald/delivery';
// Tests start a service in-process through its app factory (and only that).
import { createApp, loadConfig, type WebhookApp } from '@herald/delivery-webhook';
import {
  createDeliveryJob,
  DELIVERY_JOB_SCHEMA,
  SchemaRegistryCodec,
  SUBJECTS,
  sampleEvent,
  type DeliveryJob,
  type EventKind,
  type RepositoryEvent,
} from '@herald/events';
import { createKafka, TOPICS, type Producer } from '@herald/kafka';
import { createLogger } from '@herald/logger';
import { NotificationStore, registryChangeCodec, SubscriptionChangePublisher, type NotificationDoc } from '@herald/subscriptions';
import { TEST_KAFKA_BROKERS, TEST_SCHEMA_REGISTRY_URL } from '../helpers/kafka.js';
import { openTestDb, type TestDb } from '../helpers/mongo.js';
import { positionAtEnd } from '../support/job-reader.js';

// The stack's addresses as the services derive them (KAFKA_BROKERS, else 127.0.0.1:$KAFKA_PORT).
export const BROKERS = TEST_KAFKA_BROKERS;
export const REGISTRY_URL = TEST_SCHEMA_REGISTRY_URL;
const LOG_LEVEL = process.env['TEST_LOG_LEVEL'] ?? 'warn';

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** One request a receiver got. */
export interface Received {
  at: number;
  method: string;
  url: string;
  headers: IncomingHttpHeaders;
  body: string;
}

/** What a receiver answers; `hang` never answers; `delayMs` answers late. */
export interface Reply {
  status: number;
  headers?: Record<string, string>;
  delayMs?: number;
  hang?: boolean;
}

export interface Receiver {
  url: string;
  port: number;
  requests: Received[];
  connections(): number;
  /** Changes the answer from now on. */
  respond(fn: (r: Received, n: number) => Reply): void;
  waitFor(n: number, timeoutMs?: number): Promise<Received[]>;
  close(): Promise<void>;
}

/** A real HTTP (or HTTPS, with `tls`) receiver on `host` (default 127.0.0.1), recording every request. */
export async function startReceiver(fn: (r: Received, n: number) => Reply = () => ({ status: 200 }), opts: { tls?: ServerOptions; host?: string } = {}): Promise<Receiver> {
  let respond = fn;
  let connections = 0;
  const requests: Received[] = [];
  const sockets = new Set<Socket>();
  const handler = (req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const r: Received = { at: Date.now(), method: req.method ?? '', url: req.url ?? '', headers: req.headers, body: Buffer.concat(chunks).toString('utf8') };
      requests.push(r);
      const reply = respond(r, requests.length);
      if (reply.hang) return;
      const send = () => res.writeHead(reply.status, reply.headers ?? {}).end();
      if (reply.delayMs) setTimeout(send, reply.delayMs);
      else send();
    });
  };
  const server: Server = opts.tls ? createHttpsServer(opts.tls, handler) : createServer(handler);
  server.keepAliveTimeout = 60_000;
  server.on(opts.tls ? 'secureConnection' : 'connection', () => connections++);
  server.on('connection', (s: Socket) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  const host = opts.host ?? '127.0.0.1';
  await new Promise<void>((r) => server.listen(0, host, r));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `${opts.tls ? 'https' : 'http'}://${host}:${port}`,
    port,
    requests,
    connections: () => connections,
    respond: (f) => (respond = f),
    async waitFor(n, timeoutMs = 20_000) {
      const deadline = Date.now() + timeoutMs;
      while (requests.length < n) {
        if (Date.now() > deadline) throw new Error(`receiver got ${requests.length} of ${n} requests`);
        await sleep(20);
      }
      return requests;
    },
    close: () =>
      new Promise<void>((r) => {
        for (const s of sockets) s.destroy();
        server.close(() => r());
      }),
  };
}

/** A webhook service instance under test: its own database, consumer group and configuration. */
export interface Instance {
  db: TestDb;
  store: NotificationStore;
  attempts: AttemptLog;
  groupId: string;
  app: WebhookApp;
}

export interface NotifyOptions {
  event?: EventKind;
  repository?: string;
  createdBy?: string;
}

/**
 * The shared fixture: Kafka client, codec, job producer, the subscription feed; instances of the
 * webhook service each with their own MongoDB database (notifications of one instance are unknown
 * to the others, which drop their jobs).
 */
export class WebhookFixture {
  readonly id = randomBytes(4).toString('hex');
  readonly kafka = createKafka({ brokers: BROKERS, clientId: 'herald-webhook-test' });
  readonly codec = new SchemaRegistryCodec({ url: REGISTRY_URL });
  readonly logger = createLogger({ service: 'webhook-test', level: LOG_LEVEL });
  readonly instances: Instance[] = [];
  private started = 0;
  feed!: SubscriptionChangePublisher;
  private producer!: Producer;
  private readonly closers: (() => Promise<void>)[] = [];

  async setup(): Promise<void> {
    this.feed = new SubscriptionChangePublisher(this.kafka, registryChangeCodec(this.codec), this.logger);
    await this.feed.connect();
    this.producer = this.kafka.producer({ allowAutoTopicCreation: false, idempotent: true, maxInFlightRequests: 1 });
    await this.producer.connect();
    await this.codec.register(SUBJECTS.jobs('webhook'), DELIVERY_JOB_SCHEMA);
  }

  /** Starts a webhook service in-process with `env` on top of the test defaults. */
  async instance(env: Record<string, string> = {}, levels = 3): Promise<Instance> {
    const db = await openTestDb('webhook');
    const groupId = `herald-test-webhook-${this.id}-${this.started++}`;
    const topics = [TOPICS.jobs('webhook'), ...Array.from({ length: levels }, (_, i) => TOPICS.retry('webhook', i + 1))];
    await positionAtEnd(this.kafka, groupId, topics);
    const config = loadConfig({
      ...process.env,
      KAFKA_BROKERS: BROKERS.join(','),
      SCHEMA_REGISTRY_URL: REGISTRY_URL,
      MONGO_DB: db.name,
      DELIVERY_GROUP_ID: groupId,
      DELIVERY_SESSION_TIMEOUT_MS: '6000',
      OPS_HOST: '127.0.0.1',
      OPS_PORT: '0',
      LOG_LEVEL,
      SHUTDOWN_TIMEOUT_MS: '5000',
      ...env,
    });
    const app = createApp(config, createLogger({ service: 'delivery-webhook', level: config.LOG_LEVEL }));
    await app.start();
    const store = new NotificationStore(db.db);
    await store.ensureIndexes();
    const inst: Instance = { db, store, attempts: new AttemptLog(db.db), groupId, app };
    this.instances.push(inst);
    return inst;
  }

  /** Stores a webhook notification in the instance's database and publishes it on the feed. */
  async notify(inst: Instance, config: Record<string, unknown>, opts: NotifyOptions = {}): Promise<NotificationDoc> {
    return this.notifyIn(inst.store, config, opts);
  }

  /** The same, in a store of the test's own (services run as child processes on its database). */
  async notifyIn(store: NotificationStore, config: Record<string, unknown>, opts: NotifyOptions = {}): Promise<NotificationDoc> {
    const doc = await store.insert({
      uuid: randomUUID(),
      repository: opts.repository ?? `wh-${randomBytes(4).toString('hex')}/app`,
      event: opts.event ?? 'repo_push',
      method: 'webhook',
      config,
      event_config: {},
      title: 'test hook',
      signing_secret: `whsec_${randomBytes(32).toString('base64')}`,
      created_by: opts.createdBy ?? 'alice',
    });
    await this.feed.upsert(doc);
    return doc;
  }

  /** A job for the notification with a fresh event of its kind. */
  job(n: NotificationDoc, body: Record<string, unknown> = {}): DeliveryJob {
    const event = sampleEvent(n.event as EventKind, { repository: n.repository, body }) as RepositoryEvent;
    return createDeliveryJob({ event, notificationUuid: n.uuid, method: 'webhook' });
  }

  async publish(jobs: DeliveryJob[]): Promise<void> {
    for (let i = 0; i < jobs.length; i += 500) {
      const messages = jobs.slice(i, i + 500).map((j) => ({ key: j.notification_uuid, value: this.codec.encode(SUBJECTS.jobs('webhook'), j) }));
      await this.producer.send({ topic: TOPICS.jobs('webhook'), acks: -1, messages });
    }
  }

  /** Publishes raw bytes to the webhook job topic (bad input). */
  async publishRaw(key: string, value: Buffer): Promise<void> {
    await this.producer.send({ topic: TOPICS.jobs('webhook'), acks: -1, messages: [{ key, value }] });
  }

  onTeardown(fn: () => Promise<void>): void {
    this.closers.push(fn);
  }

  async teardown(): Promise<void> {
    for (const inst of this.instances) await inst.app.stop().catch(() => undefined);
    for (const close of this.closers) await close().catch(() => undefined);
    for (const inst of this.instances) await inst.db.drop().catch(() => undefined);
    await this.producer?.disconnect().catch(() => undefined);
    await this.feed?.disconnect().catch(() => undefined);
  }
}
