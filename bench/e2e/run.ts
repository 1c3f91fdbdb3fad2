// `npm run bench:e2e`: what a registry operator feels, end to end. One webhook notification; events
// published (the producer library: idempotent, acks from all in-sync replicas) → the router → the
// job topic → delivery-webhook → a receiver that answers 200 at once. Router and delivery-webhook run
// as their own processes from the bundles the images run, the receiver in a third. Latency is from
// just before `publish()` to the receipt (one clock: all on this machine), at fixed rates of 50, 200
// and 1,000 events/s (BENCH_E2E_SECONDS each, default 10), then a saturated run (BENCH_E2E_SATURATED
// events published at once, default 20,000) gives deliveries/s from the first receipt to the last.
// Loopback only; stops by itself. The last line printed is one JSON object:
// {"bench":"e2e","rates":[{"rate":200,"p50_ms":…,"p99_ms":…,"delivered":…,"lost":…},…],"saturated_per_s":…}
import { randomBytes } from 'node:crypto';
import { deliveryId, sampleEvent, SchemaRegistryCodec, type RepositoryEvent } from '@herald/events';
import { ensureStack } from '@herald/infra';
import { createKafka, setGroupOffsetsToEnd, TOPICS } from '@herald/kafka';
import { createLogger } from '@herald/logger';
import { connectDb, createMongoClient } from '@herald/mongo';
import { createEventPublisher } from '@herald/producer';
import { NotificationStore, registryChangeCodec, SubscriptionChangePublisher } from '@herald/subscriptions';
import { rssMb, startService, type ServiceProcess } from '@herald/testing';
import { spawnReceiver, type Watch } from '../webhook/receiver.js';
import { LatencyProbe } from '../router/latency-probe.js';
import { createHooks, positionAtEnd, sleep } from '../webhook/setup.js';

const RATES = (process.env['BENCH_E2E_RATES'] ?? '50,200,1000').split(',').map(Number);
const SECONDS = Number(process.env['BENCH_E2E_SECONDS'] ?? 10);
const SATURATED = Number(process.env['BENCH_E2E_SATURATED'] ?? 20_000);
const LEVELS = 6;
const DRAIN_MS = 60_000;

const log = (msg: string) => console.log(`[bench:e2e] ${msg}`);
const id = randomBytes(3).toString('hex');
const stack = await ensureStack();
const kafka = createKafka({ brokers: stack.kafkaBrokers, clientId: 'herald-bench-e2e' });
const codec = new SchemaRegistryCodec({ url: stack.registryUrl });
const logger = createLogger({ service: 'bench-e2e', level: 'warn' });
const dbName = `herald_bench_e2e_${id}`;
const mongo = createMongoClient({ url: stack.mongoUrl });
const db = await connectDb(mongo, dbName);
const store = new NotificationStore(db);
await store.ensureIndexes();
const feed = new SubscriptionChangePublisher(kafka, registryChangeCodec(codec), logger);
await feed.connect();
const receiver = await spawnReceiver(0);
const [hook] = await createHooks(store, feed, receiver.url, 1, `e2e-${id}`);
if (!hook) throw new Error('no notification created');
const notification = hook;
const publisher = createEventPublisher({ kafka, registryUrl: stack.registryUrl, codec });
await publisher.connect();

const routerGroup = `herald-bench-e2e-${id}-router`;
const deliveryGroup = `herald-bench-e2e-${id}-webhook`;
await setGroupOffsetsToEnd(kafka, routerGroup, [TOPICS.repositoryEvents]);
await positionAtEnd(kafka, deliveryGroup, LEVELS);
const env = { KAFKA_BROKERS: stack.kafkaBrokers.join(','), SCHEMA_REGISTRY_URL: stack.registryUrl, MONGO_URL: stack.mongoUrl, MONGO_DB: dbName, LOG_LEVEL: 'warn' };
const services: ServiceProcess[] = [];
try {
  // The bundles the images run, not the TypeScript sources through tsx.
  const [router, delivery] = await Promise.all([
    startService('router', { ...env, ROUTER_GROUP_ID: routerGroup, ROUTER_INSTANCE_ID: `bench-e2e-${id}` }, `bench-e2e-${id}-router`, { bundle: true }),
    startService('delivery-webhook', { ...env, DELIVERY_GROUP_ID: deliveryGroup, WEBHOOK_ALLOW_LIST: '127.0.0.1' }, `bench-e2e-${id}-webhook`, { bundle: true }),
  ]);
  services.push(router, delivery);
  await Promise.all([router.ready(120_000), delivery.ready(120_000)]);
  log(`router and delivery-webhook ready; one webhook notification on ${hook.repository}`);

  const eventFor = (i: number, label: string): RepositoryEvent => sampleEvent('repo_push', { repository: hook.repository, body: { updated_tags: [`${label}-${i}`] } });

  /** Waits until every expected delivery arrived, or DRAIN_MS without progress. */
  async function drain(w: Watch, n: number): Promise<void> {
    let last = -1;
    let since = Date.now();
    while (w.n < n) {
      if (w.n !== last) {
        last = w.n;
        since = Date.now();
      } else if (Date.now() - since > DRAIN_MS) return;
      await sleep(50);
    }
  }

  const pct = (xs: number[], p: number) => xs[Math.min(xs.length - 1, Math.floor((p / 100) * xs.length))] ?? NaN;

  async function measureRate(rate: number, seconds: number, label: string) {
    const run = await runWatched(rate, seconds, label);
    const latencies = [...run.sentAt].flatMap(([did, at]) => {
      const got = run.watch.firstArrival.get(did);
      return got === undefined ? [] : [got - at];
    });
    latencies.sort((a, b) => a - b);
    const routed = (await probe.collect(run.sentByEvent, 5_000)).sort((a, b) => a - b);
    return {
      rate,
      achieved_rate: Number(run.achieved.toFixed(1)),
      p50_ms: pct(latencies, 50),
      p99_ms: pct(latencies, 99),
      max_ms: latencies[latencies.length - 1] ?? NaN,
      delivered: latencies.length,
      lost: run.sentAt.size - latencies.length,
      duplicates: run.watch.repeats,
      // Publish → job committed and visible (router and its transaction), of the same events.
      routed_p50_ms: pct(routed, 50),
      routed_p99_ms: pct(routed, 99),
    };
  }

  /**
   * Publishes `rate` events/s for `seconds` (not waiting for one publish before the next is due) and
   * waits for their deliveries. The receiver matches a set by membership at arrival, so each
   * delivery id joins the watched set before its event is published.
   */
  async function runWatched(rate: number, seconds: number, label: string) {
    const ids = new Set<string>();
    const watch = receiver.watch(ids);
    const total = Math.round(rate * seconds);
    const tickMs = Math.max(5, 1000 / rate);
    const sentAt = new Map<string, number>();
    const sentByEvent = new Map<string, number>();
    const pending: Promise<unknown>[] = [];
    const t0 = Date.now();
    let sent = 0;
    for (let tick = 0; sent < total; tick++) {
      await sleep(Math.max(0, t0 + tick * tickMs - Date.now()));
      const due = Math.min(total, Math.floor(((Date.now() - t0) / 1000) * rate) + 1);
      const batch: RepositoryEvent[] = [];
      for (; sent < due; sent++) batch.push(eventFor(sent, label));
      if (batch.length === 0) continue;
      const now = Date.now();
      for (const ev of batch) {
        const did = deliveryId(ev.event_id, notification.uuid);
        ids.add(did);
        sentAt.set(did, now);
        sentByEvent.set(ev.event_id, now);
      }
      pending.push(publisher.publish(batch));
    }
    const achieved = total / ((Date.now() - t0) / 1000);
    await Promise.all(pending);
    await drain(watch, sentAt.size);
    return { sentAt, sentByEvent, achieved, watch };
  }

  // Splits the latency: when each event's job became visible to read_committed readers (router side).
  const probe = new LatencyProbe(kafka, codec, new Set([notification.uuid]));
  await probe.start();

  // Warm-up (JIT, connections, caches), not measured.
  const warm = await runWatched(100, 3, 'warmup');
  log(`warm-up: ${warm.watch.n}/${warm.sentAt.size} delivered`);

  const rates = [];
  for (const rate of RATES) {
    const r = await measureRate(rate, SECONDS, `r${rate}`);
    log(`${rate} events/s (achieved ${r.achieved_rate}): p50 ${r.p50_ms} ms, p99 ${r.p99_ms} ms, max ${r.max_ms} ms (routed p50 ${r.routed_p50_ms} ms, p99 ${r.routed_p99_ms} ms), delivered ${r.delivered}, lost ${r.lost}, duplicates ${r.duplicates}`);
    rates.push(r);
  }

  // Saturated: everything published at once; deliveries/s from the first receipt to the last.
  const satIds = new Set<string>();
  const satWatch = receiver.watch(satIds);
  const satEvents = Array.from({ length: SATURATED }, (_, i) => eventFor(i, 'sat'));
  for (const ev of satEvents) satIds.add(deliveryId(ev.event_id, hook.uuid));
  const tSat = Date.now();
  for (let i = 0; i < satEvents.length; i += 1_000) await publisher.publish(satEvents.slice(i, i + 1_000));
  const publishedPerS = SATURATED / ((Date.now() - tSat) / 1000);
  await drain(satWatch, SATURATED);
  const saturated = (satWatch.n / Math.max(1, satWatch.last - tSat)) * 1000;
  log(`saturated: ${satWatch.n}/${SATURATED} delivered, ${saturated.toFixed(0)}/s from publish start to last receipt (published at ${publishedPerS.toFixed(0)}/s)`);

  await probe.stop();
  const result = {
    bench: 'e2e',
    seconds_per_rate: SECONDS,
    rates,
    saturated_per_s: Math.round(saturated),
    saturated_delivered: satWatch.n,
    saturated_lost: SATURATED - satWatch.n,
    router_rss_mb: rssMb(router.child.pid ?? 0),
    delivery_rss_mb: rssMb(delivery.child.pid ?? 0),
  };
  console.log(JSON.stringify(result));
} finally {
  for (const s of services) await s.kill('SIGTERM').catch(() => undefined);
  await receiver.close();
  await publisher.disconnect();
  await feed.disconnect();
  await db.dropDatabase();
  await mongo.close();
}
process.exit(0);
