import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { DELIVERY_JOB_SCHEMA, deliveryId, sampleEvent, SchemaRegistryCodec, SCHEMAS, type DeliveryJob, type RepositoryEvent } from '@herald/events';
import { createKafka, PARTITIONS, partitionForKey, runTopicsCommand, TOPICS, type Kafka, type KafkaMessage } from '@herald/kafka';
import {
  demoToken,
  ensureStack,
  kafkaBrokerPids,
  stackServerPid,
  startKafkaBroker,
  startStackServer,
  stopKafkaBroker,
  stopStack,
  stopStackServer,
  type StackInfo,
} from '@herald/infra';
import { createEventPublisher, type EventPublisher } from '@herald/producer';
import { freePort, ROOT, startService, type ServiceProcess } from '@herald/testing';

// Issue 14, "Chaos test in CI": the 3-broker cluster (RF 3, min.insync.replicas 2), router,
// delivery-webhook and config-api each its own process (the bundles the image runs), a steady
// stream of repo_push events for one webhook notification published through the producer library,
// and seven faults one after another. Everything runs on a stack of its own (own ports and data
// dir, brought up fresh and torn down at the end), never on the shared default stack.

const CHAOS_ENV: NodeJS.ProcessEnv = (() => {
  const env = { ...process.env };
  // Addresses come from the chaos stack's ports only, never from an inherited explicit address.
  for (const k of ['KAFKA_BROKERS', 'SCHEMA_REGISTRY_URL', 'MONGO_URL', 'KAFKA_CONTROLLER_PORT']) delete env[k];
  return {
    ...env,
    HERALD_DATA_DIR: process.env['HERALD_CHAOS_DATA_DIR'] || join(tmpdir(), 'herald-chaos'),
    // Below Linux's ephemeral range (32768–60999): a client's outgoing connection can hold a port
    // in it, and a broker restarted by a fault (or started at all) then fails to bind (seen once).
    KAFKA_PORT: process.env['HERALD_CHAOS_KAFKA_PORT'] || '23092',
    REGISTRY_PORT: process.env['HERALD_CHAOS_REGISTRY_PORT'] || '23081',
    REGISTRY_MANAGEMENT_PORT: process.env['HERALD_CHAOS_REGISTRY_MANAGEMENT_PORT'] || '23181',
    MONGO_PORT: process.env['HERALD_CHAOS_MONGO_PORT'] || '23017',
    KAFKA_BROKER_COUNT: '3',
  };
})();

const MIN_EVENTS = 3_000;
/** The stream: BATCH events every INTERVAL_MS (20 events/s) while the faults run, and until MIN_EVENTS. */
const BATCH = 5;
const INTERVAL_MS = 250;
const FRESH_BOUND_MS = 30_000;
const CHAOS_BOUND_MS = 6 * 60_000;
const SHUTDOWN_TIMEOUT_MS = 15_000;

type Svc = 'config-api' | 'router' | 'delivery-webhook';
const SERVICES: readonly Svc[] = ['config-api', 'router', 'delivery-webhook'];

const id = randomBytes(3).toString('hex');
const NAMESPACE = `chaos-${id}`;
const REPOSITORY = `${NAMESPACE}/app`;
const JWT_SECRET = randomBytes(24).toString('hex');
const LOG_DIR = join(ROOT, 'test-results', `chaos-${id}`);
const report = (line: string) => console.log(`[chaos ${new Date().toISOString().slice(11, 23)}] ${line}`);
const t0 = Date.now();
const at = (t: number) => `${((t - t0) / 1000).toFixed(1)}s`;

// ---------------------------------------------------------------- the webhook receiver

/** Every request the receiver got, by webhook-id: the arrival times. */
const deliveries = new Map<string, number[]>();
let unsigned = 0;
let receiver: Server | undefined;

async function startReceiver(): Promise<string> {
  const server = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      const did = req.headers['webhook-id'];
      if (typeof did === 'string') deliveries.set(did, [...(deliveries.get(did) ?? []), Date.now()]);
      else unsigned += 1;
      res.writeHead(200).end();
    });
  });
  server.keepAliveTimeout = 60_000;
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  receiver = server;
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

// ---------------------------------------------------------------- the services, each its own process

interface Exit {
  service: Svc;
  code: number | null;
  signal: NodeJS.Signals | null;
  at: number;
}

/**
 * Runs the three services as the image does (bundles). Exits the test caused are planned; any other
 * exit is recorded and the service started again after a back-off, as an orchestrator would.
 */
class Fleet {
  readonly procs = new Map<Svc, ServiceProcess>();
  readonly unplanned: Exit[] = [];
  readonly planned: (Exit & { ms: number })[] = [];
  private readonly expected = new Set<ServiceProcess>();
  private readonly starts = new Map<Svc, number>();
  private closing = false;
  apiPort = 0;

  constructor(private readonly envFor: (s: Svc) => Record<string, string>) {}

  /** Spawns `s` (not waiting for readiness); a process that exits unplanned is restarted. */
  async spawn(s: Svc): Promise<ServiceProcess> {
    const n = (this.starts.get(s) ?? 0) + 1;
    this.starts.set(s, n);
    const p = await startService(s, this.envFor(s), `${s}-${n}`, { logDir: LOG_DIR, bundle: true });
    this.procs.set(s, p);
    p.child.once('exit', (code, signal) => {
      if (this.expected.has(p) || this.closing) return;
      this.unplanned.push({ service: s, code, signal, at: Date.now() });
      report(`${s} exited unplanned (code ${code}, signal ${signal}); starting it again in 1 s (see ${p.logFile})`);
      setTimeout(() => {
        if (!this.closing && this.procs.get(s) === p) void this.spawn(s).catch((err: unknown) => report(`${s} did not start again: ${String(err)}`));
      }, 1_000);
    });
    return p;
  }

  async start(s: Svc, timeoutMs = 120_000): Promise<void> {
    await this.spawn(s);
    await this.waitReady(s, timeoutMs);
  }

  /** Waits until the current process of `s` answers /readyz 200 (following restarts). */
  async waitReady(s: Svc, timeoutMs: number): Promise<number> {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      const p = this.procs.get(s);
      if (p && (await probe(p.opsPort, '/readyz')).status === 200) return Date.now();
      await sleep(100);
    }
    throw new Error(`${s} not ready within ${timeoutMs} ms`);
  }

  /** Sends `signal` to the current process of `s` as a planned exit; resolves with its exit. */
  async stop(s: Svc, signal: NodeJS.Signals): Promise<{ code: number | null; ms: number }> {
    const p = this.procs.get(s);
    assert.ok(p, `${s} runs`);
    this.expected.add(p);
    const t = Date.now();
    const code = await p.kill(signal);
    const ms = Date.now() - t;
    this.planned.push({ service: s, code, signal: p.child.signalCode, at: Date.now(), ms });
    return { code, ms };
  }

  pid(s: Svc): number {
    const pid = this.procs.get(s)?.child.pid;
    assert.ok(pid, `${s} has a pid`);
    return pid;
  }

  alive(s: Svc): boolean {
    const c = this.procs.get(s)?.child;
    return c !== undefined && c.exitCode === null && c.signalCode === null;
  }

  async closeAll(): Promise<void> {
    this.closing = true;
    await Promise.all([...this.procs.values()].map((p) => p.kill('SIGKILL')));
  }
}

async function probe(port: number, path: string, timeoutMs = 1_000): Promise<{ status: number | 'no answer'; body: Record<string, unknown> }> {
  try {
    const r = await fetch(`http://127.0.0.1:${port}${path}`, { signal: AbortSignal.timeout(timeoutMs) });
    const text = await r.text();
    let body: Record<string, unknown> = {};
    try {
      body = JSON.parse(text) as Record<string, unknown>;
    } catch {
      // not JSON
    }
    return { status: r.status, body };
  } catch {
    return { status: 'no answer', body: {} };
  }
}

// ---------------------------------------------------------------- readiness, sampled all along

interface Sample {
  at: number;
  service: Svc;
  status: number | 'no answer';
  reason?: string;
}

class ReadinessMonitor {
  readonly samples: Sample[] = [];
  private running = true;
  private loops: Promise<void>[] = [];

  constructor(private readonly fleet: Fleet) {}

  start(): void {
    this.loops = SERVICES.map((s) => this.loop(s));
  }

  private async loop(s: Svc): Promise<void> {
    while (this.running) {
      const p = this.fleet.procs.get(s);
      if (p) {
        const t = Date.now();
        const r = await probe(p.opsPort, '/readyz');
        let reason = typeof r.body['reason'] === 'string' ? r.body['reason'] : undefined;
        // The config API's ops /readyz gives no reason; its API /readyz lists the failing checks.
        if (r.status === 503 && reason === undefined && s === 'config-api') {
          const api = await probe(this.fleet.apiPort, '/readyz', 3_000);
          const checks = (api.body['checks'] ?? {}) as Record<string, boolean>;
          const failing = Object.entries(checks).filter(([, ok]) => !ok).map(([k]) => k);
          reason = failing.length > 0 ? `api /readyz checks failing: ${failing.join(', ')}` : undefined;
        }
        this.samples.push({ at: t, service: s, status: r.status, ...(reason ? { reason } : {}) });
      }
      await sleep(250);
    }
  }

  async stop(): Promise<void> {
    this.running = false;
    await Promise.all(this.loops);
  }

  between(s: Svc, from: number, to: number): Sample[] {
    return this.samples.filter((x) => x.service === s && x.at >= from && x.at <= to);
  }
}

// ---------------------------------------------------------------- the stream of events

interface Sent {
  eventId: string;
  did: string;
  startAt: number;
  ackAt?: number;
  error?: string;
}

const sent: Sent[] = [];
const byDid = new Map<string, Sent>();
const publishErrors: { at: number; error: string; events: number }[] = [];

/**
 * The publisher library over a client whose producer retries long enough to outlast the full
 * cluster bounce: kafkajs retries a send with the same producer id and sequence numbers, so an
 * idempotent retry is never a re-send (the test does not re-publish anything itself).
 */
function retryingClient(brokers: string[]): Kafka {
  const kafka = createKafka({ brokers, clientId: 'herald-chaos-publisher' });
  const producer = kafka.producer.bind(kafka);
  kafka.producer = (cfg) => producer({ ...cfg, retry: { initialRetryTime: 100, maxRetryTime: 5_000, retries: 40 } });
  return kafka;
}

async function stream(publisher: EventPublisher, uuid: string, stop: () => boolean): Promise<void> {
  let seq = 0;
  while (!stop() || sent.filter((s) => s.ackAt !== undefined).length < MIN_EVENTS) {
    const t = Date.now();
    const events = Array.from({ length: BATCH }, () => sampleEvent('repo_push', { repository: REPOSITORY, body: { updated_tags: [`c${seq++}`] } }) as RepositoryEvent);
    const recs: Sent[] = events.map((e) => ({ eventId: e.event_id, did: deliveryId(e.event_id, uuid), startAt: t }));
    for (const r of recs) {
      sent.push(r);
      byDid.set(r.did, r);
    }
    try {
      await publisher.publish(events);
      const now = Date.now();
      for (const r of recs) r.ackAt = now;
    } catch (err) {
      const error = err instanceof Error ? err.message : String(err);
      for (const r of recs) r.error = error;
      publishErrors.push({ at: Date.now(), error, events: recs.length });
      report(`publish failed at ${at(Date.now())}: ${error}`);
    }
    await sleep(Math.max(0, INTERVAL_MS - (Date.now() - t)));
  }
}

// ---------------------------------------------------------------- reading topics back

/**
 * Reads `topic` from the given offsets with a fresh group, read_committed, keeping what `keep`
 * returns, until nothing new has arrived for `quietMs` (after `until(kept)` holds) or `timeoutMs`.
 */
async function readBack<T>(
  kafka: Kafka,
  topic: string,
  starts: { partition: number; offset: string }[],
  keep: (m: KafkaMessage, partition: number) => Promise<T | undefined>,
  until: (kept: T[]) => boolean,
  { quietMs = 5_000, timeoutMs = 90_000 } = {},
): Promise<T[]> {
  const kept: T[] = [];
  let last = Date.now();
  const consumer = kafka.consumer({ groupId: `herald-chaos-read-${randomBytes(4).toString('hex')}`, readUncommitted: false, maxWaitTimeInMs: 200 });
  await consumer.connect();
  try {
    await consumer.subscribe({ topic, fromBeginning: true });
    await consumer.run({
      autoCommit: false,
      eachMessage: async ({ partition, message }) => {
        last = Date.now();
        const v = await keep(message, partition);
        if (v !== undefined) kept.push(v);
      },
    });
    for (const s of starts) consumer.seek({ topic, partition: s.partition, offset: s.offset });
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline && !(until(kept) && Date.now() - last >= quietMs)) await sleep(200);
  } finally {
    await consumer.disconnect();
  }
  return kept;
}

async function endOffsets(kafka: Kafka, topic: string): Promise<{ partition: number; offset: string }[]> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    return (await admin.fetchTopicOffsets(topic)).map((o) => ({ partition: o.partition, offset: o.high }));
  } finally {
    await admin.disconnect();
  }
}

// ---------------------------------------------------------------- faults

interface FaultRec {
  n: number;
  name: string;
  start: number;
  end: number;
  notes: string[];
  /** Per service: when /readyz answered 200 again after the fault ended. */
  readyAgain: Partial<Record<Svc, number>>;
  recoveredAt?: number;
}

const faults: FaultRec[] = [];

let stack: StackInfo;
let admin: Kafka;
let fleet: Fleet;
let monitor: ReadinessMonitor;
let publisher: EventPublisher | undefined;
let notificationUuid = '';
let token = '';

async function api<T>(method: string, path: string, body?: unknown): Promise<{ status: number; body: T }> {
  const res = await fetch(`http://127.0.0.1:${fleet.apiPort}${path}`, {
    method,
    headers: { authorization: `Bearer ${token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    body: body === undefined ? undefined : JSON.stringify(body),
    signal: AbortSignal.timeout(10_000),
  });
  const text = await res.text();
  return { status: res.status, body: (text ? JSON.parse(text) : undefined) as T };
}

/** The first delivery of an event whose publishing started at or after `since`. */
function firstFreshDelivery(since: number): number | undefined {
  let first: number | undefined;
  for (const [did, times] of deliveries) {
    const s = byDid.get(did);
    if (!s || s.startAt < since) continue;
    const t = times[0] as number;
    if (first === undefined || t < first) first = t;
  }
  return first;
}

function firstDeliveryAfter(since: number): number | undefined {
  let first: number | undefined;
  for (const times of deliveries.values()) for (const t of times) if (t >= since && (first === undefined || t < first)) first = t;
  return first;
}

/** After a fault: waits for a fresh delivery and for every service to be ready again, then settles. */
async function recover(rec: FaultRec): Promise<void> {
  const deadline = rec.end + 60_000;
  while (Date.now() < deadline && firstFreshDelivery(rec.end) === undefined) await sleep(100);
  await Promise.all(
    SERVICES.map(async (s) => {
      try {
        const seen = await fleet.waitReady(s, Math.max(1_000, deadline - Date.now()));
        const sampled = monitor.samples.find((x) => x.service === s && x.at >= rec.end && x.status === 200)?.at;
        rec.readyAgain[s] = Math.min(seen, sampled ?? seen);
      } catch {
        rec.notes.push(`${s} not ready 60 s after the fault`);
      }
    }),
  );
  rec.recoveredAt = Date.now();
  await sleep(3_000);
}

async function inject(name: string, act: (rec: FaultRec) => Promise<void>): Promise<void> {
  const rec: FaultRec = { n: faults.length + 1, name, start: Date.now(), end: 0, notes: [], readyAgain: {} };
  faults.push(rec);
  report(`fault ${rec.n}: ${name} at ${at(rec.start)}`);
  await act(rec);
  rec.end = Date.now();
  report(`fault ${rec.n} over at ${at(rec.end)} (${((rec.end - rec.start) / 1000).toFixed(1)} s)`);
  await recover(rec);
}

/** The broker leading the most repository-events and notifications.webhook partitions. */
async function busiestLeader(eventsPartition: number, jobsPartition: number): Promise<{ index: number; notes: string }> {
  const a = admin.admin();
  await a.connect();
  try {
    const md = await a.fetchTopicMetadata({ topics: [TOPICS.repositoryEvents, TOPICS.jobs('webhook')] });
    const led = new Map<number, number>();
    const ours = new Map<number, string[]>();
    for (const t of md.topics) {
      for (const p of t.partitions) {
        led.set(p.leader, (led.get(p.leader) ?? 0) + 1);
        const mine = (t.name === TOPICS.repositoryEvents && p.partitionId === eventsPartition) || (t.name === TOPICS.jobs('webhook') && p.partitionId === jobsPartition);
        if (mine) ours.set(p.leader, [...(ours.get(p.leader) ?? []), `${t.name}[${p.partitionId}]`]);
        assert.equal(p.replicas.length, 3, `${t.name}[${p.partitionId}] has 3 replicas`);
      }
    }
    // Most leaderships; a tie goes to the broker leading this stream's own partitions.
    const [node] = [...led.entries()].sort((x, y) => y[1] - x[1] || (ours.get(y[0])?.length ?? 0) - (ours.get(x[0])?.length ?? 0))[0] as [number, number];
    const counts = [...led.entries()].sort((x, y) => x[0] - y[0]).map(([k, v]) => `node ${k}: ${v}`).join(', ');
    return { index: node - 1, notes: `leaders ${counts}; killed node ${node} (kafka-${node - 1}), leading ${ours.get(node)?.join(' and ') || 'neither of this stream’s partitions'}` };
  } finally {
    await a.disconnect();
  }
}

// ---------------------------------------------------------------- set-up and tear-down

before(async () => {
  const stackReport = (line: string) => report(`stack: ${line}`);
  // A stack of our own, fresh: whatever an aborted earlier run left in this data dir goes first.
  await stopStack({ env: CHAOS_ENV, clean: true, report: stackReport });
  stack = await ensureStack({ env: CHAOS_ENV, brokers: 3, report: stackReport });
  const lines: string[] = [];
  const code = await runTopicsCommand(['apply', '--brokers', stack.kafkaBootstrap], CHAOS_ENV, { out: (l) => lines.push(l), err: (l) => lines.push(l) });
  assert.equal(code, 0, `herald topics apply:\n${lines.join('\n')}`);
  admin = createKafka({ brokers: stack.kafkaBrokers, clientId: 'herald-chaos-test' });
  // RF 3 and min.insync.replicas 2 on the two topics the stream crosses.
  const a = admin.admin();
  await a.connect();
  try {
    const res = await a.describeConfigs({ includeSynonyms: false, resources: [TOPICS.repositoryEvents, TOPICS.jobs('webhook')].map((name) => ({ type: 2 /* TOPIC */, name, configNames: ['min.insync.replicas'] })) });
    for (const r of res.resources) assert.equal(r.configEntries.find((e) => e.configName === 'min.insync.replicas')?.configValue, '2', `${r.resourceName} min.insync.replicas`);
  } finally {
    await a.disconnect();
  }

  const hookUrl = `${await startReceiver()}/hook`;
  const apiPort = await freePort();
  const smtpPort = await freePort(); // nothing listens: no mail is sent in this test
  const common = {
    KAFKA_BROKERS: stack.kafkaBootstrap,
    SCHEMA_REGISTRY_URL: stack.registryUrl,
    MONGO_URL: stack.mongoUrl,
    MONGO_DB: `herald_chaos_${id}`,
    LOG_LEVEL: 'info',
    SHUTDOWN_TIMEOUT_MS: String(SHUTDOWN_TIMEOUT_MS),
  };
  fleet = new Fleet((s) => {
    switch (s) {
      case 'config-api':
        return { ...common, HTTP_HOST: '127.0.0.1', HTTP_PORT: String(apiPort), PUBLIC_URL: `http://127.0.0.1:${apiPort}`, AUTH_JWT_SECRET: JWT_SECRET, AUTH_JWT_PUBLIC_KEY_FILE: '', SMTP_HOST: '127.0.0.1', SMTP_PORT: String(smtpPort), SMTP_SECURE: 'false', WEBHOOK_ALLOW_LIST: '127.0.0.1/32' };
      case 'router':
        return { ...common, ROUTER_GROUP_ID: `herald-router-chaos-${id}`, ROUTER_INSTANCE_ID: `chaos-${id}` };
      case 'delivery-webhook':
        return { ...common, DELIVERY_GROUP_ID: `herald-delivery-webhook-chaos-${id}`, WEBHOOK_ALLOW_LIST: '127.0.0.1/32' };
    }
  });
  fleet.apiPort = apiPort;
  for (const s of SERVICES) await fleet.start(s);
  monitor = new ReadinessMonitor(fleet);
  monitor.start();

  token = await demoToken(JWT_SECRET, NAMESPACE);
  const created = await api<{ uuid: string }>('POST', `/api/v1/repository/${REPOSITORY}/notification/`, {
    title: 'chaos',
    event: 'repo_push',
    method: 'webhook',
    config: { url: hookUrl },
    eventConfig: {},
  });
  assert.equal(created.status, 201, JSON.stringify(created.body));
  notificationUuid = created.body.uuid;
  publisher = createEventPublisher({ kafka: retryingClient(stack.kafkaBrokers), registryUrl: stack.registryUrl, codec: new SchemaRegistryCodec({ url: stack.registryUrl }) });
  await publisher.connect();
});

after(async () => {
  await monitor?.stop();
  await publisher?.disconnect().catch(() => undefined);
  await fleet?.closeAll();
  await new Promise<void>((r) => (receiver ? receiver.close(() => r()) : r()));
  receiver?.closeAllConnections();
  await stopStack({ env: CHAOS_ENV, clean: true, report: (l) => report(`stack: ${l}`) });
});

// ---------------------------------------------------------------- the test

test('chaos: seven faults under a steady stream; nothing lost, routed exactly once, prompt recovery, honest readiness', { timeout: 9 * 60_000 }, async () => {
  const uuid = notificationUuid;
  const eventsPartition = partitionForKey(REPOSITORY, PARTITIONS.events);
  const jobsPartition = partitionForKey(uuid, PARTITIONS.jobs);
  const jobStarts = await endOffsets(admin, TOPICS.jobs('webhook'));
  const eventStarts = await endOffsets(admin, TOPICS.repositoryEvents);

  // The notification is known to the router before the stream starts: one event must arrive.
  const chaosStart = Date.now();
  let stopStream = false;
  const streaming = stream(publisher!, uuid, () => stopStream);
  const warm = Date.now() + 60_000;
  while (deliveries.size === 0 && Date.now() < warm) await sleep(100);
  assert.ok(deliveries.size > 0, 'the first event of the stream is delivered within 60 s');
  await sleep(5_000);

  await inject('SIGKILL the broker leading the most partitions; restart after 10 s', async (rec) => {
    const { index, notes } = await busiestLeader(eventsPartition, jobsPartition);
    rec.notes.push(notes);
    rec.start = Date.now();
    await stopKafkaBroker(index, { env: CHAOS_ENV, signal: 'SIGKILL' });
    await sleep(10_000);
    await startKafkaBroker(index, { env: CHAOS_ENV, report: () => undefined });
  });

  await inject('SIGKILL the router mid-stream; restart', async () => {
    await fleet.stop('router', 'SIGKILL');
    await fleet.spawn('router');
  });

  await inject('SIGKILL delivery-webhook; restart', async () => {
    await fleet.stop('delivery-webhook', 'SIGKILL');
    await fleet.spawn('delivery-webhook');
  });

  await inject('SIGKILL FerretDB; restart after 10 s', async (rec) => {
    rec.start = Date.now();
    await stopStackServer('ferretdb', { env: CHAOS_ENV, signal: 'SIGKILL' });
    await sleep(10_000);
    await startStackServer('ferretdb', { env: CHAOS_ENV, report: () => undefined });
  });

  await inject('SIGSTOP delivery-webhook for 20 s; SIGCONT', async () => {
    const pid = fleet.pid('delivery-webhook');
    process.kill(pid, 'SIGSTOP');
    await sleep(20_000);
    process.kill(pid, 'SIGCONT');
  });

  await inject('rolling restart (SIGTERM, wait ready, next) of every service', async (rec) => {
    for (const s of SERVICES) {
      const { code, ms } = await fleet.stop(s, 'SIGTERM');
      rec.notes.push(`${s} exited ${code} in ${(ms / 1000).toFixed(1)} s`);
      await fleet.start(s);
    }
  });

  await inject('all brokers stopped for 15 s, then started', async (rec) => {
    rec.start = Date.now();
    await stopStack({ env: CHAOS_ENV, services: ['kafka'], report: () => undefined });
    rec.notes.push(`brokers down after ${((Date.now() - rec.start) / 1000).toFixed(1)} s`);
    await sleep(15_000);
    const t = Date.now();
    await ensureStack({ env: CHAOS_ENV, brokers: 3, services: ['kafka'], report: () => undefined });
    rec.notes.push(`cluster back in ${((Date.now() - t) / 1000).toFixed(1)} s`);
  });

  stopStream = true;
  await streaming;
  const streamEnd = Date.now();

  // Every event that reached repository-events (acked, or a failed publish that landed after all).
  const eventCodec = new SchemaRegistryCodec({ url: stack.registryUrl });
  const wanted = new Set(sent.map((s) => s.eventId));
  const onTopic = await readBack(
    admin,
    TOPICS.repositoryEvents,
    eventStarts,
    async (m) => {
      if (m.key?.toString() !== REPOSITORY) return undefined;
      const e = (await eventCodec.decode(m.value, SCHEMAS.repositoryEvent)) as RepositoryEvent;
      return wanted.has(e.event_id) ? e.event_id : undefined;
    },
    (kept) => kept.length >= sent.filter((s) => s.ackAt !== undefined).length,
  );
  const landed = new Set(onTopic);
  const published = sent.filter((s) => landed.has(s.eventId));
  const eventDuplicates = onTopic.length - landed.size;
  const acked = sent.filter((s) => s.ackAt !== undefined);

  // Every published event delivered (waits for the tail of the stream to drain).
  const undelivered = () => published.filter((s) => !deliveries.has(s.did));
  const drainDeadline = Date.now() + 120_000;
  while (undelivered().length > 0 && Date.now() < drainDeadline) await sleep(250);
  await sleep(3_000); // a late duplicate would show up here

  // Router output, read_committed: exactly one job per published event for the notification.
  const jobCodec = new SchemaRegistryCodec({ url: stack.registryUrl });
  const jobs = await readBack(
    admin,
    TOPICS.jobs('webhook'),
    jobStarts,
    async (m) => (m.key?.toString() === uuid ? ((await jobCodec.decode(m.value, DELIVERY_JOB_SCHEMA)) as DeliveryJob).delivery_id : undefined),
    (kept) => kept.length >= published.length,
  );
  const jobCount = new Map<string, number>();
  for (const d of jobs) jobCount.set(d, (jobCount.get(d) ?? 0) + 1);
  const expectedDids = new Set(published.map((s) => s.did));
  const jobsMissing = [...expectedDids].filter((d) => !jobCount.has(d)).length;
  const jobsDuplicated = [...jobCount.values()].reduce((n, c) => n + c - 1, 0);
  const jobsUnexpected = [...jobCount.keys()].filter((d) => !expectedDids.has(d)).length;

  const notification = await api<{ disabled: boolean; number_of_failures: number }>('GET', `/api/v1/repository/${REPOSITORY}/notification/${uuid}`);

  // No process hung or dead: every service alive, healthy and ready; the stack's servers running.
  const endState: Record<string, string> = {};
  for (const s of SERVICES) {
    const p = fleet.procs.get(s)!;
    const [h, r] = [await probe(p.opsPort, '/healthz'), await probe(p.opsPort, '/readyz')];
    endState[s] = `${fleet.alive(s) ? 'alive' : 'DEAD'} healthz ${h.status} readyz ${r.status}`;
  }
  const brokerPids = await kafkaBrokerPids({ env: CHAOS_ENV });
  const ferretPid = await stackServerPid('ferretdb', { env: CHAOS_ENV });
  const registryPid = await stackServerPid('registry', { env: CHAOS_ENV });
  const chaosMs = Date.now() - chaosStart;
  await monitor.stop();
  // ... and each stops on SIGTERM within its shutdown timeout, exit code 0 (nothing hung).
  const shutdown: Record<string, string> = {};
  for (const s of SERVICES) {
    const t = Date.now();
    const stopped = await Promise.race([fleet.stop(s, 'SIGTERM'), sleep(SHUTDOWN_TIMEOUT_MS + 10_000).then(() => undefined)]);
    shutdown[s] = stopped === undefined ? `HUNG (no exit after ${(SHUTDOWN_TIMEOUT_MS + 10_000) / 1000} s)` : `exit ${stopped.code} in ${((Date.now() - t) / 1000).toFixed(1)} s`;
  }

  // ------------------------------------------------------------ the table
  const windowOf = (t: number): string => {
    let w = 'warm-up';
    for (const f of faults) if (t >= f.start) w = String(f.n);
    return w;
  };
  const dupesBy = new Map<string, number>();
  for (const times of deliveries.values()) for (const t of times.slice(1)) dupesBy.set(windowOf(t), (dupesBy.get(windowOf(t)) ?? 0) + 1);
  const exitsBy = new Map<string, string[]>();
  for (const e of fleet.unplanned) exitsBy.set(windowOf(e.at), [...(exitsBy.get(windowOf(e.at)) ?? []), `${e.service}(${e.code ?? e.signal})`]);
  const sec = (ms: number | undefined) => (ms === undefined ? 'none' : (ms / 1000).toFixed(1));
  const firstArrivals = [...deliveries.values()].map((t) => t[0] as number).sort((a, b) => a - b);
  /** The longest time without a new delivery between the fault's start and its recovery. */
  const longestGap = (f: FaultRec): number => {
    const until = f.recoveredAt ?? f.end;
    let prev = f.start;
    let gap = 0;
    for (const t of firstArrivals) {
      if (t <= f.start) continue;
      if (t > until) break;
      gap = Math.max(gap, t - prev);
      prev = t;
    }
    return gap;
  };
  const publishErrorsBy = new Map<string, number>();
  for (const e of publishErrors) publishErrorsBy.set(windowOf(e.at), (publishErrorsBy.get(windowOf(e.at)) ?? 0) + 1);

  const readinessOf = (f: FaultRec): string =>
    SERVICES.map((s) => {
      const during = monitor.between(s, f.start, f.end);
      const bad = during.filter((x) => x.status !== 200);
      const reasons = [...new Set(bad.map((x) => (x.status === 'no answer' ? 'no answer' : `${x.status} ${(x.reason ?? 'no reason').slice(0, 48)}`)))];
      const again = f.readyAgain[s] === undefined ? 'never' : `${sec(f.readyAgain[s]! - f.end)}s`;
      // What it said after the fault ended until it was ready again.
      const late = monitor.between(s, f.end, f.readyAgain[s] ?? f.recoveredAt ?? f.end).filter((x) => x.status !== 200);
      const lateReasons = [...new Set(late.map((x) => (x.status === 'no answer' ? 'no answer' : `${x.status} ${(x.reason ?? 'no reason').slice(0, 48)}`)))];
      return `${s}: ${bad.length === 0 ? '200' : reasons.join('/')}, 200 +${again}${lateReasons.length > 0 ? ` (meanwhile ${lateReasons.join('/')})` : ''}`;
    }).join('; ');

  const rows = faults.map((f) => {
    const fresh = firstFreshDelivery(f.end);
    const any = firstDeliveryAfter(f.end);
    return {
      fault: `${f.n}. ${f.name}`,
      'fault s': sec(f.end - f.start),
      'first delivery after end s': sec(any === undefined ? undefined : any - f.end),
      'first fresh delivery s': sec(fresh === undefined ? undefined : fresh - f.end),
      'longest gap s': sec(longestGap(f)),
      duplicates: dupesBy.get(String(f.n)) ?? 0,
      'publish errors': publishErrorsBy.get(String(f.n)) ?? 0,
      'unplanned exits': (exitsBy.get(String(f.n)) ?? []).join(' ') || '-',
      readiness: readinessOf(f),
      notes: f.notes.join('; '),
    };
  });
  const summary = {
    events_sent: sent.length,
    events_acked: acked.length,
    publish_errors: publishErrors.length,
    events_on_topic: landed.size,
    event_duplicates_on_topic: eventDuplicates,
    delivered: published.filter((s) => deliveries.has(s.did)).length,
    lost: undelivered().length,
    jobs_read_committed: jobs.length,
    jobs_missing: jobsMissing,
    jobs_duplicated: jobsDuplicated,
    jobs_unexpected: jobsUnexpected,
    deliveries_total: [...deliveries.values()].reduce((n, t) => n + t.length, 0),
    duplicate_deliveries: [...dupesBy.values()].reduce((a, b) => a + b, 0),
    duplicates_warm_up: dupesBy.get('warm-up') ?? 0,
    unsigned_requests: unsigned,
    notification: notification.body,
    unplanned_exits: fleet.unplanned.length,
    end_state: endState,
    shutdown,
    stack: { brokers: brokerPids.map((p) => (p ? 'up' : 'DOWN')).join(','), ferretdb: ferretPid ? 'up' : 'DOWN', registry: registryPid ? 'up' : 'DOWN' },
    chaos_s: Number((chaosMs / 1000).toFixed(1)),
    stream_s: Number(((streamEnd - chaosStart) / 1000).toFixed(1)),
    logs: LOG_DIR,
  };
  console.table(rows.map(({ readiness: _r, notes: _n, ...r }) => r));
  for (const r of rows) console.log(`[chaos] ${r.fault}\n        readiness: ${r.readiness}\n        notes: ${r.notes || '-'}`);
  console.log(JSON.stringify({ test: 'chaos', ...summary, faults: rows }));

  // ------------------------------------------------------------ assertions
  const problems: string[] = [];
  const check = (ok: boolean, what: string) => {
    if (!ok) problems.push(what);
  };
  check(published.length >= MIN_EVENTS, `only ${published.length} events published (want >= ${MIN_EVENTS})`);
  check(eventDuplicates === 0, `${eventDuplicates} events are on repository-events twice (the publisher re-sent)`);
  check(summary.lost === 0, `${summary.lost} published events never delivered`);
  check(jobsMissing === 0 && jobsDuplicated === 0 && jobsUnexpected === 0, `router output not exactly once: ${jobsMissing} missing, ${jobsDuplicated} duplicated, ${jobsUnexpected} unexpected jobs`);
  check(notification.status === 200 && notification.body.disabled === false && notification.body.number_of_failures === 0, `notification state ${notification.status} ${JSON.stringify(notification.body)}`);
  for (const f of faults) {
    const fresh = firstFreshDelivery(f.end);
    check(fresh !== undefined && fresh - f.end <= FRESH_BOUND_MS, `fault ${f.n}: first fresh delivery ${fresh === undefined ? 'never' : `after ${sec(fresh - f.end)} s`} (bound ${FRESH_BOUND_MS / 1000} s)`);
    for (const s of SERVICES) check(f.readyAgain[s] !== undefined, `fault ${f.n}: ${s} never ready again`);
  }
  // /readyz while a dependency was down names it: FerretDB (fault 4) and the whole cluster (fault 7).
  const named = (f: FaultRec | undefined, s: Svc, re: RegExp) => f !== undefined && monitor.between(s, f.start, f.end).some((x) => x.status === 503 && re.test(x.reason ?? ''));
  for (const s of SERVICES) {
    check(named(faults[3], s, /mongo/i), `fault 4: ${s} /readyz never 503 naming mongodb while FerretDB was down`);
    check(named(faults[6], s, /kafka/i), `fault 7: ${s} /readyz never 503 naming kafka while every broker was down`);
  }
  // Every fault here is one a service rides through: none may have died on its own on the way.
  check(fleet.unplanned.length === 0, `unplanned exits: ${fleet.unplanned.map((e) => `${e.service} (${e.code ?? e.signal}) at ${at(e.at)}`).join(', ')}`);
  for (const s of SERVICES) {
    check(endState[s] === 'alive healthz 200 readyz 200', `${s} at the end: ${endState[s]}`);
    check(/^exit 0 /.test(shutdown[s] ?? ''), `${s} on SIGTERM: ${shutdown[s]}`);
  }
  check(brokerPids.every((p) => p !== undefined) && ferretPid !== undefined && registryPid !== undefined, `stack servers at the end: ${JSON.stringify(summary.stack)}`);
  check(chaosMs <= CHAOS_BOUND_MS, `the chaos part took ${sec(chaosMs)} s (bound ${CHAOS_BOUND_MS / 1000} s)`);
  assert.deepEqual(problems, [], problems.join('\n'));
});
