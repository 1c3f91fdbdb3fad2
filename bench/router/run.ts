// `npm run bench:router`: routing throughput of the router over ≥100,000 events against 10,000
// repositories with 50,000 subscriptions, beside bare pipes on the same broker in the same run
// (BENCH_ROUNDS rounds, default 3, each over the same events with fresh consumer groups: the
// exactly-once baseline (the router's own transactional pipe, no decode, no lookup), the router, then
// an at-least-once baseline (consume → produce → commit, no transactions); ratios are the medians of
// the rounds'). `ratio` = router / exactly-once baseline, `eos_vs_alo` = exactly-once / at-least-once
// baseline. Each round also runs the exactly-once pipe writing to three topics as the router's jobs
// do (`fanout`, see baseline.ts): `ratio_vs_fanout` = router / it, `fanout_vs_eos` = it / the
// exactly-once baseline (what writing to 36 partitions instead of 12 costs). Then three router processes in one group against one, with the CPU each side used per
// event; p50/p99 event→job latency at a fixed 2,000 events/s; the router's RSS and CPU ms per event.
// The last line printed is one JSON object with the figures. BENCH_TRACING=<ratio> (e.g. 0.1): each
// round also routes the events with a router that traces (parentbased_traceidratio at that ratio,
// exported over OTLP/HTTP to a local receiver that drops the spans): `ratio_tracing` = that router /
// the exactly-once baseline, `tracing_vs_off` = ratio_tracing / ratio (medians of the rounds').
// BENCH_NAMESPACE_SUBS=<n> (e.g. 1000): n namespace-wide subscriptions are stored too, one per
// namespace of the repositories (10,000 repositories in 1,000 namespaces), kinds in turn as the
// repositories' (about one event in five gets one more job); compare with a run without it.
import { randomBytes, randomUUID } from 'node:crypto';
import { ensureStack, kafkaBrokerPid } from '@herald/infra';
import { sampleEvent, SchemaRegistryCodec, type RepositoryEvent } from '@herald/events';
import { createKafka, setGroupOffsetsToEnd, TOPICS } from '@herald/kafka';
import { connectDb, createMongoClient } from '@herald/mongo';
import { createEventPublisher } from '@herald/producer';
import { NotificationStore, type NotificationDoc } from '@herald/subscriptions';
import { rssMb, startOtlpReceiver, startService, type ServiceProcess } from '@herald/testing';
import { spawnBaseline } from './baseline-process.js';
import { LatencyProbe } from './latency-probe.js';
import { benchEvent } from './workload.js';
import { measure, pidOf } from './measure.js';

const EVENTS = Number(process.env['BENCH_EVENTS'] ?? 100_000);
const REPOS = 10_000;
const SUBS_PER_REPO = 5;
const RATE = 2_000;
const RATE_SECONDS = 10;
const ROUNDS = Number(process.env['BENCH_ROUNDS'] ?? 3);
const NAMESPACES = 1_000;
const NAMESPACE_SUBS = Number(process.env['BENCH_NAMESPACE_SUBS'] ?? 0);
if (!(Number.isInteger(NAMESPACE_SUBS) && NAMESPACE_SUBS >= 0)) throw new Error('BENCH_NAMESPACE_SUBS: a count of namespace-wide subscriptions');
const TRACING = process.env['BENCH_TRACING'] ? Number(process.env['BENCH_TRACING']) : undefined;
if (TRACING !== undefined && !(TRACING > 0 && TRACING <= 1)) throw new Error('BENCH_TRACING: a sampling ratio above 0, at most 1');

const log = (msg: string) => console.log(`[bench:router] ${msg}`);
// A failed measurement ends the run (its services and baselines with it) instead of leaving it hung.
process.on('unhandledRejection', (err) => {
  console.error('[bench:router] failed:', err);
  process.exit(1);
});
for (const signal of ['SIGINT', 'SIGTERM'] as const) process.on(signal, () => process.exit(1));
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

// 10,000 repositories (in 1,000 namespaces) × 5 subscriptions: one per kind the events use, so each event matches ≤ 1.
const repos = Array.from({ length: REPOS }, (_, i) => `bench-${id}-${i % NAMESPACES}/repo-${i}`);
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
if (NAMESPACE_SUBS > 0) {
  const kinds: [string, NotificationDoc['method'], Record<string, unknown>][] = [
    ['repo_push', 'webhook', {}], ['build_success', 'slack', { 'ref-regex': 'refs/heads/' }], ['vulnerability_found', 'email', { level: 2 }],
    ['build_failure', 'hipchat', {}], ['repo_mirror_sync_failed', 'quay_notification', {}],
  ];
  await store.insertMany(Array.from({ length: NAMESPACE_SUBS }, (_, i): NotificationDoc => {
    const [event, method, event_config] = kinds[i % kinds.length]!;
    return {
      uuid: randomUUID(), repository: '', scope: 'namespace', namespace: `bench-${id}-${i % NAMESPACES}`, event, method, config: {}, event_config, title: null,
      number_of_failures: 0, disabled: false, disabled_reason: null, signing_secret: 'whsec_bench', created_by: 'bench', created_at: new Date(), updated_at: new Date(), version: 1,
    };
  }));
}
log(`${REPOS * SUBS_PER_REPO} repository and ${NAMESPACE_SUBS} namespace-wide subscriptions stored in ${((Date.now() - t) / 1000).toFixed(1)}s`);

const eventFor = (i: number): RepositoryEvent => benchEvent(repos, i);

const publisher = createEventPublisher({ kafka, registryUrl: stack.registryUrl, codec, ensureTopic: true, batchSize: 1_000 });
await publisher.connect();

// Every pass's consumer group starts where the topic ends now, so each processes exactly the events below.
const startOf = async (group: string) => (await setGroupOffsetsToEnd(kafka, group, [TOPICS.repositoryEvents])).get(TOPICS.repositoryEvents)!;
const rounds = [];
for (let r = 1; r <= ROUNDS; r++) {
  const pass = async (kind: string) => {
    const group = `herald-bench-${kind}-${id}-${r}`;
    return { group, start: await startOf(group) };
  };
  rounds.push({ r, eos: await pass('baseline'), fanout: await pass('fanout'), router: await pass('router'), traced: TRACING === undefined ? undefined : await pass('traced'), alo: await pass('alo') });
}
t = Date.now();
for (let i = 0; i < EVENTS; i += 1_000) {
  await publisher.publish(Array.from({ length: Math.min(1_000, EVENTS - i) }, (_, j) => eventFor(i + j)));
}
log(`${EVENTS} events published in ${((Date.now() - t) / 1000).toFixed(1)}s`);

const env = { KAFKA_BROKERS: stack.kafkaBrokers.join(','), SCHEMA_REGISTRY_URL: stack.registryUrl, MONGO_URL: stack.mongoUrl, MONGO_DB: dbName, LOG_LEVEL: 'warn' };
// This stack's broker (other stacks may run on the machine), else the oldest broker process.
const kafkaPid = (await kafkaBrokerPid(0)) ?? pidOf('kafka.Kafka');
// The machine is shared and its speed drifts: each round runs the exactly-once baseline, the router
// and the at-least-once baseline over the same events; ratios are the medians of the rounds'.
let router: ServiceProcess | undefined;
let rssMax = 0;
const sampler = setInterval(() => (rssMax = Math.max(rssMax, router ? (rssMb(router.child.pid ?? 0) ?? 0) : 0)), 250);
const results: { baseline: number; fanout: number; fanoutCpuMs: number; router: number; alo: number; routerCpuMs: number; kafkaCpuMs: number; baselineCpuMs: number; aloCpuMs: number; traced?: number; tracedCpuMs?: number }[] = [];
// Tracing on: spans go to a receiver in this process that accepts and drops them.
const sink = TRACING === undefined ? undefined : await startOtlpReceiver({ drop: true });
const tracingEnv: Record<string, string> = sink ? { OTEL_EXPORTER_OTLP_ENDPOINT: sink.url, OTEL_TRACES_SAMPLER: 'parentbased_traceidratio', OTEL_TRACES_SAMPLER_ARG: String(TRACING) } : {};
const startRouter = (group: string, instance: string, extra: Record<string, string> = {}) =>
  // The bundle the image runs, not the TypeScript source through tsx.
  startService('router', { ...env, ...extra, ROUTER_GROUP_ID: group, ROUTER_INSTANCE_ID: `bench-${id}-${instance}` }, `bench-router-${id}-${instance}`, { bundle: true });
async function baselinePass(group: string, start: Map<number, number>, mode: 'eos' | 'alo' | 'fanout'): Promise<{ rate: number; cpuMs: number }> {
  const baseline = await spawnBaseline(group, mode);
  const { rate, cpuMsPerEvent } = await measure(kafka, group, start, EVENTS, [baseline.pid]);
  await baseline.stop();
  return { rate, cpuMs: cpuMsPerEvent[0]! };
}
for (const round of rounds) {
  if (router) await router.kill('SIGTERM');
  const eos = await baselinePass(round.eos.group, round.eos.start, 'eos');
  const fanout = await baselinePass(round.fanout.group, round.fanout.start, 'fanout');
  router = await startRouter(round.router.group, String(round.r));
  const routed = await measure(kafka, round.router.group, round.router.start, EVENTS, [router.child.pid ?? 0, kafkaPid]);
  const [routerCpu, kafkaCpu] = routed.cpuMsPerEvent;
  await router.ready(120_000);
  await router.kill('SIGTERM');
  router = undefined;
  let traced: { rate: number; cpuMs: number } | undefined;
  if (round.traced) {
    const tracer = await startRouter(round.traced.group, `${round.r}-traced`, tracingEnv);
    const m = await measure(kafka, round.traced.group, round.traced.start, EVENTS, [tracer.child.pid ?? 0]);
    await tracer.ready(120_000);
    await tracer.kill('SIGTERM');
    traced = { rate: m.rate, cpuMs: m.cpuMsPerEvent[0]! };
    log(`round ${round.r}: router with tracing (${TRACING} sampled) ${m.rate.toFixed(0)}/s (ratio ${(m.rate / eos.rate).toFixed(3)}, vs off ${(m.rate / routed.rate).toFixed(3)}); CPU ms/event ${traced.cpuMs.toFixed(4)}`);
  }
  const alo = await baselinePass(round.alo.group, round.alo.start, 'alo');
  results.push({ baseline: eos.rate, fanout: fanout.rate, fanoutCpuMs: fanout.cpuMs, router: routed.rate, alo: alo.rate, routerCpuMs: routerCpu!, kafkaCpuMs: kafkaCpu!, baselineCpuMs: eos.cpuMs, aloCpuMs: alo.cpuMs, ...(traced ? { traced: traced.rate, tracedCpuMs: traced.cpuMs } : {}) });
  log(`round ${round.r}: exactly-once baseline to 3 topics ${fanout.rate.toFixed(0)}/s (router / it ${(routed.rate / fanout.rate).toFixed(3)}, it / exactly-once baseline ${(fanout.rate / eos.rate).toFixed(3)}); CPU ms/event ${fanout.cpuMs.toFixed(4)}`);
  log(`round ${round.r}: exactly-once baseline ${eos.rate.toFixed(0)}/s, router ${routed.rate.toFixed(0)}/s (ratio ${(routed.rate / eos.rate).toFixed(3)}), at-least-once baseline ${alo.rate.toFixed(0)}/s (eos/alo ${(eos.rate / alo.rate).toFixed(3)}); CPU ms/event: router ${routerCpu!.toFixed(4)}, exactly-once baseline ${eos.cpuMs.toFixed(4)}, at-least-once baseline ${alo.cpuMs.toFixed(4)}`);
}
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] as number;
const ratios = results.map((x) => x.router / x.baseline);
const eosVsAlo = results.map((x) => x.baseline / x.alo);
const routerRate = median(results.map((x) => x.router));
const baselineRate = median(results.map((x) => x.baseline));

// Three router processes in one group over the 12 partitions, against one, the same way: the
// processes start on a group at the end of the topic, become ready (each bootstraps its view), then
// EVENTS more events are published and routed. On 2 cores shared with the broker this shows the cost
// of more processes, not scaling.
async function scalePass(n: number): Promise<{ rate: number; routerCpuMs: number; kafkaCpuMs: number }> {
  const group = `herald-bench-scale${n}-${id}`;
  const start = await startOf(group);
  const procs = await Promise.all(Array.from({ length: n }, (_, i) => startRouter(group, `scale${n}-${i}`)));
  await Promise.all(procs.map((p) => p.ready(120_000)));
  await sleep(3_000); // the group settles after the last join
  const publishing = (async () => {
    for (let i = 0; i < EVENTS; i += 1_000) await publisher.publish(Array.from({ length: Math.min(1_000, EVENTS - i) }, (_, j) => eventFor(i + j)));
  })();
  const { rate, cpuMsPerEvent: used } = await measure(kafka, group, start, EVENTS, [...procs.map((p) => p.child.pid ?? 0), kafkaPid]);
  await publishing;
  await Promise.all(procs.map((p) => p.kill('SIGTERM')));
  return { rate, routerCpuMs: used.slice(0, n).reduce((a, b) => a + b, 0), kafkaCpuMs: used[n] ?? NaN };
}
const one = await scalePass(1);
const three = await scalePass(3);
log(`3 routers ${three.rate.toFixed(0)}/s vs 1 router ${one.rate.toFixed(0)}/s (events published while routing): ${(three.rate / one.rate).toFixed(3)}; router CPU ${three.routerCpuMs.toFixed(3)} vs ${one.routerCpuMs.toFixed(3)} ms/event, Kafka ${three.kafkaCpuMs.toFixed(3)} vs ${one.kafkaCpuMs.toFixed(3)} ms/event`);
// The latency run's router starts at the end of the topic (a new group would read it all).
await startOf(`herald-bench-router-latency-${id}`);
router = await startRouter(`herald-bench-router-latency-${id}`, 'latency');
await router.ready(120_000);

// Latency at a fixed rate, with the router caught up and warmed up (3 s at the rate, not measured).
const warmUntil = Date.now() + 3_000;
while (Date.now() < warmUntil) {
  await publisher.publish(Array.from({ length: RATE / 20 }, () => sampleEvent('repo_push', { repository: repos[Math.floor(Math.random() * REPOS)]! })));
  await sleep(50);
}
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
const tracedRatios = results.map((x) => (x.traced ?? NaN) / x.baseline);
const tracingFigures =
  TRACING === undefined
    ? {}
    : {
        tracing_sample_ratio: TRACING,
        throughput_tracing: Math.round(median(results.map((x) => x.traced ?? NaN))),
        ratio_tracing: Number(median(tracedRatios).toFixed(3)),
        round_ratios_tracing: tracedRatios.map((x) => Number(x.toFixed(3))),
        tracing_vs_off: Number((median(tracedRatios) / median(ratios)).toFixed(3)),
        cpu_ms_per_event_tracing: Number(median(results.map((x) => x.tracedCpuMs ?? NaN)).toFixed(4)),
        otlp_export_requests: sink?.requests() ?? 0,
      };
await sink?.close();
const result = {
  bench: 'router',
  events: EVENTS,
  repositories: REPOS,
  subscriptions: REPOS * SUBS_PER_REPO,
  namespace_subscriptions: NAMESPACE_SUBS,
  throughput: Math.round(routerRate),
  baseline: Math.round(baselineRate),
  rounds: ROUNDS,
  ratio: Number(median(ratios).toFixed(3)),
  round_ratios: ratios.map((x) => Number(x.toFixed(3))),
  eos_vs_alo: Number(median(eosVsAlo).toFixed(3)),
  round_eos_vs_alo: eosVsAlo.map((x) => Number(x.toFixed(3))),
  alo_baseline: Math.round(median(results.map((x) => x.alo))),
  fanout_baseline: Math.round(median(results.map((x) => x.fanout))),
  ratio_vs_fanout: Number(median(results.map((x) => x.router / x.fanout)).toFixed(3)),
  fanout_vs_eos: Number(median(results.map((x) => x.fanout / x.baseline)).toFixed(3)),
  fanout_cpu_ms_per_event: Number(median(results.map((x) => x.fanoutCpuMs)).toFixed(4)),
  cpu_ms_per_event: Number(median(results.map((x) => x.routerCpuMs)).toFixed(4)),
  baseline_cpu_ms_per_event: Number(median(results.map((x) => x.baselineCpuMs)).toFixed(4)),
  alo_cpu_ms_per_event: Number(median(results.map((x) => x.aloCpuMs)).toFixed(4)),
  kafka_cpu_ms_per_event: Number(median(results.map((x) => x.kafkaCpuMs)).toFixed(4)),
  one_router_while_publishing: Math.round(one.rate),
  three_routers_while_publishing: Math.round(three.rate),
  three_vs_one: Number((three.rate / one.rate).toFixed(3)),
  one_router_cpu_ms_per_event: Number(one.routerCpuMs.toFixed(4)),
  three_routers_cpu_ms_per_event: Number(three.routerCpuMs.toFixed(4)),
  one_router_kafka_cpu_ms_per_event: Number(one.kafkaCpuMs.toFixed(4)),
  three_routers_kafka_cpu_ms_per_event: Number(three.kafkaCpuMs.toFixed(4)),
  latency_rate: Math.round(achievedRate),
  latency_samples: latencies.length,
  p50_ms: pct(50),
  p99_ms: pct(99),
  rss_mb: rssEnd,
  rss_max_mb: rssMax,
  ...tracingFigures,
};
console.log(JSON.stringify(result));
process.exit(0);
