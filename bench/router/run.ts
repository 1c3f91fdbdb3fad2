// `npm run bench:router`: routing throughput of the router over ≥100,000 events against 10,000
// repositories with 50,000 subscriptions, beside a bare consume → transactional-produce baseline on
// the same broker in the same run (BENCH_ROUNDS rounds, default 3, each a baseline pass then a router
// pass over the same events with fresh consumer groups; the ratio is the median of the rounds'); then
// p50/p99 event→job latency at a fixed 2,000 events/s, and the router's RSS. The last line printed is
// one JSON object with the figures.
import { randomBytes, randomUUID } from 'node:crypto';
import { ensureStack } from '@herald/infra';
import { sampleEvent, SchemaRegistryCodec, type RepositoryEvent } from '@herald/events';
import { createKafka, setGroupOffsetsToEnd, TOPICS, type Kafka } from '@herald/kafka';
import { connectDb, createMongoClient } from '@herald/mongo';
import { createEventPublisher } from '@herald/producer';
import { NotificationStore, type NotificationDoc } from '@herald/subscriptions';
import { rssMb, startService, type ServiceProcess } from '@herald/testing';
import { spawnBaseline } from './baseline-process.js';
import { LatencyProbe } from './latency-probe.js';

const EVENTS = Number(process.env['BENCH_EVENTS'] ?? 100_000);
const REPOS = 10_000;
const SUBS_PER_REPO = 5;
const RATE = 2_000;
const RATE_SECONDS = 10;
const ROUNDS = Number(process.env['BENCH_ROUNDS'] ?? 3);

const log = (msg: string) => console.log(`[bench:router] ${msg}`);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const id = randomBytes(3).toString('hex');

const stack = await ensureStack();
const kafka = createKafka({ brokers: stack.kafkaBrokers, clientId: 'herald-bench' });
const codec = new SchemaRegistryCodec({ url: stack.registryUrl });
const dbName = `herald_bench_${id}`;
const mongo = createMongoClient({ url: stack.mongoUrl });
const db = await connectDb(mongo, dbName);
const store = new NotificationStore(db);
await store.ensureIndexes();

// 10,000 repositories × 5 subscriptions: one per kind the events use, so each event matches ≤ 1.
const repos = Array.from({ length: REPOS }, (_, i) => `bench-${id}/repo-${i}`);
const pushSub = new Map<string, string>();
let t = Date.now();
for (let i = 0; i < REPOS; i += 1_000) {
  const docs: NotificationDoc[] = [];
  for (const repo of repos.slice(i, i + 1_000)) {
    const mk = (event: string, method: NotificationDoc['method'], event_config: Record<string, unknown>): NotificationDoc => ({
      uuid: randomUUID(), repository: repo, event, method, config: {}, event_config, title: null, number_of_failures: 0,
      disabled: false, disabled_reason: null, signing_secret: 'whsec_bench', created_by: 'bench', created_at: new Date(), updated_at: new Date(), version: 1,
    });
    const push = mk('repo_push', 'webhook', {});
    pushSub.set(repo, push.uuid);
    docs.push(push, mk('build_success', 'slack', { 'ref-regex': 'refs/heads/' }), mk('vulnerability_found', 'email', { level: 2 }),
      mk('build_failure', 'hipchat', {}), mk('repo_mirror_sync_failed', 'quay_notification', {}));
  }
  await store.insertMany(docs);
}
log(`${REPOS * SUBS_PER_REPO} subscriptions stored in ${((Date.now() - t) / 1000).toFixed(1)}s`);

function eventFor(i: number): RepositoryEvent {
  const repository = repos[Math.floor(Math.random() * REPOS)]!;
  const r = i % 10;
  if (r < 6) return sampleEvent('repo_push', { repository, body: { updated_tags: [`t${i}`] } });
  if (r < 8) return sampleEvent('build_success', { repository });
  return sampleEvent('vulnerability_found', { repository });
}

const publisher = createEventPublisher({ kafka, registryUrl: stack.registryUrl, codec, ensureTopic: true, batchSize: 1_000 });
await publisher.connect();

// Every round's consumer groups start where the topic ends now, so each processes exactly the events below.
const rounds = [];
for (let r = 1; r <= ROUNDS; r++) {
  const baselineGroup = `herald-bench-baseline-${id}-${r}`;
  const routerGroup = `herald-bench-router-${id}-${r}`;
  const baselineStart = (await setGroupOffsetsToEnd(kafka, baselineGroup, [TOPICS.repositoryEvents])).get(TOPICS.repositoryEvents)!;
  const routerStart = (await setGroupOffsetsToEnd(kafka, routerGroup, [TOPICS.repositoryEvents])).get(TOPICS.repositoryEvents)!;
  rounds.push({ r, baselineGroup, baselineStart, routerGroup, routerStart });
}

t = Date.now();
for (let i = 0; i < EVENTS; i += 1_000) {
  await publisher.publish(Array.from({ length: Math.min(1_000, EVENTS - i) }, (_, j) => eventFor(i + j)));
}
log(`${EVENTS} events published in ${((Date.now() - t) / 1000).toFixed(1)}s`);

const env = { KAFKA_BROKERS: stack.kafkaBrokers.join(','), SCHEMA_REGISTRY_URL: stack.registryUrl, MONGO_URL: stack.mongoUrl, MONGO_DB: dbName, LOG_LEVEL: 'warn' };
// The machine is shared and its speed drifts: each round runs the baseline, then the router, over
// the same events; the ratio is the median of the rounds' ratios.
let router: ServiceProcess | undefined;
let rssMax = 0;
const sampler = setInterval(() => (rssMax = Math.max(rssMax, router ? (rssMb(router.child.pid ?? 0) ?? 0) : 0)), 250);
const results: { baseline: number; router: number }[] = [];
for (const round of rounds) {
  if (router) await router.kill('SIGTERM');
  const baseline = await spawnBaseline(round.baselineGroup);
  const baselineRate = await measure(kafka, round.baselineGroup, round.baselineStart, EVENTS);
  await baseline.stop();
  // The bundle the image runs, not the TypeScript source through tsx.
  router = await startService('router', { ...env, ROUTER_GROUP_ID: round.routerGroup, ROUTER_INSTANCE_ID: `bench-${id}-${round.r}` }, `bench-router-${id}-${round.r}`, { bundle: true });
  const routerRate = await measure(kafka, round.routerGroup, round.routerStart, EVENTS);
  await router.ready(120_000);
  results.push({ baseline: baselineRate, router: routerRate });
  log(`round ${round.r}: baseline ${baselineRate.toFixed(0)} events/s, router ${routerRate.toFixed(0)} events/s, ratio ${(routerRate / baselineRate).toFixed(3)}`);
}
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] as number;
const ratios = results.map((x) => x.router / x.baseline);
const routerRate = median(results.map((x) => x.router));
const baselineRate = median(results.map((x) => x.baseline));

// Latency at a fixed rate, with the router caught up.
const probe = new LatencyProbe(kafka, codec, new Set(pushSub.values()));
await probe.start();
const sentAt = new Map<string, number>();
const t0 = Date.now();
for (let tick = 0; tick < RATE_SECONDS * 20; tick++) {
  await sleep(Math.max(0, t0 + tick * 50 - Date.now()));
  const batch = Array.from({ length: RATE / 20 }, () => sampleEvent('repo_push', { repository: repos[Math.floor(Math.random() * REPOS)]! }));
  const now = Date.now();
  for (const ev of batch) sentAt.set(ev.event_id, now);
  await publisher.publish(batch);
}
const achievedRate = sentAt.size / ((Date.now() - t0) / 1000);
const latencies = await probe.collect(sentAt, 30_000);
await probe.stop();
const rssEnd = rssMb(router?.child.pid ?? 0) ?? 0;
clearInterval(sampler);
await router?.kill('SIGTERM');
await publisher.disconnect();
await db.dropDatabase();
await mongo.close();

latencies.sort((a, b) => a - b);
const pct = (p: number) => latencies[Math.min(latencies.length - 1, Math.floor((p / 100) * latencies.length))] ?? NaN;
const result = {
  bench: 'router',
  events: EVENTS,
  repositories: REPOS,
  subscriptions: REPOS * SUBS_PER_REPO,
  throughput: Math.round(routerRate),
  baseline: Math.round(baselineRate),
  rounds: ROUNDS,
  ratio: Number(median(ratios).toFixed(3)),
  round_ratios: ratios.map((x) => Number(x.toFixed(3))),
  latency_rate: Math.round(achievedRate),
  latency_samples: latencies.length,
  p50_ms: pct(50),
  p99_ms: pct(99),
  rss_mb: rssEnd,
  rss_max_mb: rssMax,
};
console.log(JSON.stringify(result));
process.exit(0);

/**
 * Events/s of a group over `total` events: sampled from its committed offsets, from the first
 * commit to the last (so start-up and group join are not counted).
 */
async function measure(k: Kafka, groupId: string, from: Map<number, number>, total: number): Promise<number> {
  const admin = k.admin();
  await admin.connect();
  try {
    let first: { at: number; done: number } | undefined;
    const deadline = Date.now() + 600_000;
    while (Date.now() < deadline) {
      const [offsets] = await admin.fetchOffsets({ groupId, topics: [TOPICS.repositoryEvents] });
      const done = (offsets?.partitions ?? []).reduce((n, p) => n + Math.max(0, Number(p.offset) - (from.get(p.partition) ?? 0)), 0);
      const at = Date.now();
      if (done > 0 && !first) first = { at, done };
      if (done >= total && first) return (done - first.done) / ((at - first.at) / 1000);
      await sleep(100);
    }
    throw new Error(`${groupId} did not finish in time`);
  } finally {
    await admin.disconnect();
  }
}
