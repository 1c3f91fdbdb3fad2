// `npm run bench:webhook`: webhook delivery throughput against a fast local receiver, with retries,
// failure accounting and the attempt log on, beside a raw undici POST loop at the same concurrency
// to the same receiver in the same run (alternating rounds, BENCH_ROUNDS, default 5); then p50/p99
// job→receipt latency at a fixed rate; then, against a receiver that answers after 50 ms, the
// throughput of two delivery processes vs one (jobs spread evenly over the partitions).
// Loopback only. The last line printed is one JSON object with the figures. BENCH_TRACING=<ratio>
// (e.g. 0.1): after the latency part, the throughput rounds again with a service that traces
// (parentbased_traceidratio at that ratio, exported over OTLP/HTTP to a local receiver that drops the
// spans), alternating with the raw loop as before: `ratio_tracing`, `tracing_vs_off` = ratio_tracing / ratio.
// The service runs with attempt inspection on (the default); BENCH_INSPECTION=compare then runs
// rounds of a fresh service with inspection on and one with INSPECTION=off, interleaved, each
// between raw-loop rounds: `ratio_inspection_on`, `ratio_inspection_off`, `inspection_vs_off` (their
// quotient), and the stored bytes per attempt (`inspection_bytes_per_attempt`).
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { ensureStack, kafkaBrokerPid, stackServerPid } from '@herald/infra';
import { SchemaRegistryCodec, toQuayPayload, type DeliveryJob } from '@herald/events';
import { createKafka } from '@herald/kafka';
import { createLogger } from '@herald/logger';
import { connectDb, createMongoClient } from '@herald/mongo';
import { NotificationStore, registryChangeCodec, SubscriptionChangePublisher } from '@herald/subscriptions';
import { rssMb, startOtlpReceiver, startService, type ServiceProcess } from '@herald/testing';
import { cpuDuring } from './cpu.js';
import { rawPostLoop } from './raw-baseline.js';
import { spawnReceiver, type Watch } from './receiver.js';
import { balancedJobsFor, createHooks, encodeJobs, jobsFor, positionAtEnd, publishJobs, sendEncoded, sleep } from './setup.js';

const JOBS = Number(process.env['BENCH_JOBS'] ?? 30_000);
const CONCURRENCY = 64;
const ROUNDS = Number(process.env['BENCH_ROUNDS'] ?? 5);
const SLOW_MS = 50;
const SLOW_JOBS = Number(process.env['BENCH_SLOW_JOBS'] ?? 5_000);
const SLOW_CONCURRENCY = 16;
const SLOW_WARMUP_JOBS = 1_500;
const RATE = 500;
const RATE_SECONDS = 10;
const HOOKS = 200;
const LEVELS = 6;
// BENCH_ONLY=throughput measures only part 1 (for profiling: HERALD_NODE_ARGS="--cpu-prof --cpu-prof-dir=DIR").
const ONLY_THROUGHPUT = process.env['BENCH_ONLY'] === 'throughput';
const TRACING = process.env['BENCH_TRACING'] ? Number(process.env['BENCH_TRACING']) : undefined;
const INSPECTION_COMPARE = process.env['BENCH_INSPECTION'] === 'compare';
if (TRACING !== undefined && !(TRACING > 0 && TRACING <= 1)) throw new Error('BENCH_TRACING: a sampling ratio above 0, at most 1');

const log = (msg: string) => console.log(`[bench:webhook] ${msg}`);
const id = randomBytes(3).toString('hex');
const stack = await ensureStack();
const kafka = createKafka({ brokers: stack.kafkaBrokers, clientId: 'herald-bench' });
const codec = new SchemaRegistryCodec({ url: stack.registryUrl });
const logger = createLogger({ service: 'bench-webhook', level: 'warn' });
const dbName = `herald_bench_webhook_${id}`;
const mongo = createMongoClient({ url: stack.mongoUrl });
const db = await connectDb(mongo, dbName);
const store = new NotificationStore(db);
await store.ensureIndexes();
const feed = new SubscriptionChangePublisher(kafka, registryChangeCodec(codec), logger);
await feed.connect();
const producer = kafka.producer({ allowAutoTopicCreation: false, idempotent: true, maxInFlightRequests: 1 });
await producer.connect();

const baseEnv = {
  KAFKA_BROKERS: stack.kafkaBrokers.join(','),
  SCHEMA_REGISTRY_URL: stack.registryUrl,
  MONGO_URL: stack.mongoUrl,
  MONGO_DB: dbName,
  WEBHOOK_ALLOW_LIST: '127.0.0.1',
  DELIVERY_SESSION_TIMEOUT_MS: '6000',
  LOG_LEVEL: 'warn',
};
const services: ServiceProcess[] = [];
async function startDelivery(groupId: string, label: string, env: Record<string, string>): Promise<ServiceProcess> {
  // The bundle the image runs, not the TypeScript source through tsx (HERALD_NODE_ARGS is passed on by startService).
  const svc = await startService('delivery-webhook', { ...baseEnv, DELIVERY_GROUP_ID: groupId, ...env }, `bench-webhook-${id}-${label}`, { bundle: true });
  services.push(svc);
  await svc.ready(120_000);
  return svc;
}

/** Deliveries/s of a watched set, from its first arrival to its last, once all `n` arrived. */
async function rateOf(w: Watch, n: number, timeoutMs = 300_000): Promise<number> {
  const deadline = Date.now() + timeoutMs;
  while (w.n < n) {
    if (Date.now() > deadline) throw new Error(`only ${w.n}/${n} deliveries arrived`);
    await sleep(100);
  }
  return (n / Math.max(1, w.last - w.first)) * 1000;
}

// 1. Fast receiver: the service (pre-queued jobs) vs a raw undici loop, same concurrency.
const fast = await spawnReceiver(0);
const hooks = await createHooks(store, feed, fast.url, HOOKS, id);
// The same body the service sends for these jobs (the Quay payload of a repo_push).
const sampleBody = JSON.stringify(toQuayPayload((jobsFor(hooks, 1)[0] as DeliveryJob).event));
await rawPostLoop(`${fast.url}/warmup`, 2_000, CONCURRENCY, sampleBody, 'warmup-');
// This stack's broker and FerretDB (other stacks may run on the machine), else the oldest such process.
const kafkaPid = (await kafkaBrokerPid(0)) ?? pidOf('kafka.Kafka');
const ferretdbPid = (await stackServerPid('ferretdb')) ?? pidOf('ferretdb -listen');
/** The pid of the local stack's server whose command line has `pattern` (0, so NaN CPU figures, if none). */
function pidOf(pattern: string): number {
  const out = spawnSync('pgrep', ['-f', '-o', pattern], { encoding: 'utf8' }).stdout.trim();
  return Number(out.split('\n')[0]) || 0;
}
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] as number;
const perDelivery = (ms: number, n: number) => Number((ms / n).toFixed(3));

/** The raw loop once (JOBS requests). */
async function baseline(round: number) {
  const prefix = `baseline${round}-`;
  const watch = fast.watch(prefix);
  const run = await cpuDuring({ loop: process.pid, 'loop:main': process.pid, receiver: fast.pid }, async () => {
    await rawPostLoop(`${fast.url}/baseline`, JOBS, CONCURRENCY, sampleBody, prefix);
    return rateOf(watch, JOBS);
  });
  log(`round ${round}: raw undici loop ${run.value.toFixed(0)} requests/s`);
  return run;
}

const fastGroup = `herald-bench-webhook-${id}-fast`;
await positionAtEnd(kafka, fastGroup, LEVELS);
const svc = await startDelivery(fastGroup, 'fast', { DELIVERY_CONCURRENCY: String(CONCURRENCY), WEBHOOK_CONNECTIONS_PER_ORIGIN: String(CONCURRENCY) });
// Warm-up (JIT, connection pools, caches), as the baseline had.
const warmup = jobsFor(hooks, 10_000);
const warmupWatch = fast.watch(new Set(warmup.map((j) => j.delivery_id)));
await publishJobs(producer, codec, warmup);
await rateOf(warmupWatch, warmup.length);

/**
 * The service once, from the first receipt to the last, with JOBS jobs already queued in Kafka: the
 * service is stopped (SIGSTOP, well within its session timeout) while the bench publishes them, so
 * that publishing does not compete with the service for the machine's CPU while it is measured.
 */
async function service(round: number, target: ServiceProcess = svc) {
  const jobs = jobsFor(hooks, JOBS);
  const encoded = await encodeJobs(codec, jobs);
  const watch = fast.watch(new Set(jobs.map((j) => j.delivery_id)));
  const pid = target.child.pid ?? 0;
  const stoppedAt = Date.now();
  process.kill(pid, 'SIGSTOP');
  try {
    await sendEncoded(producer, encoded);
  } finally {
    process.kill(pid, 'SIGCONT');
  }
  const stoppedMs = Date.now() - stoppedAt;
  if (stoppedMs > 3_000) log(`round ${round}: publishing held the service for ${stoppedMs} ms (session timeout 6 s): a rebalance may follow`);
  const run = await cpuDuring({ service: pid, 'service:main': pid, bench: process.pid, receiver: fast.pid, kafka: kafkaPid, ferretdb: ferretdbPid }, () => rateOf(watch, JOBS));
  log(`round ${round}: delivery service ${run.value.toFixed(0)} deliveries/s`);
  return { ...run, repeats: () => watch.repeats };
}

// The machine is shared and its speed drifts: rounds alternate loop and service, each service
// round between two loop rounds, and the ratio is the median of the rounds' ratios.
const loopRounds = [await baseline(0)];
const serviceRounds: Awaited<ReturnType<typeof service>>[] = [];
for (let r = 1; r <= ROUNDS; r++) {
  serviceRounds.push(await service(r));
  loopRounds.push(await baseline(r));
}
const ratios = serviceRounds.map((s, i) => s.value / (((loopRounds[i]?.value ?? NaN) + (loopRounds[i + 1]?.value ?? NaN)) / 2));
const serviceRate = median(serviceRounds.map((s) => s.value));
const baselineRate = median(loopRounds.map((b) => b.value));
const ratio = median(ratios);
const cpuOf = (runs: { cpu: Record<string, number> }[], k: string) => perDelivery(runs.reduce((sum, r) => sum + (r.cpu[k] ?? NaN), 0), runs.length * JOBS);
const duplicates = serviceRounds.reduce((n, s) => n + s.repeats(), 0);
const throughputFigures = {
  jobs_per_round: JOBS,
  rounds: ROUNDS,
  concurrency: CONCURRENCY,
  throughput: Math.round(serviceRate),
  baseline: Math.round(baselineRate),
  ratio: Number(ratio.toFixed(3)),
  round_ratios: ratios.map((x) => Number(x.toFixed(3))),
  // CPU per delivery of the service process vs per request of the raw loop (Linux /proc), and what
  // the rest of the machine (2 cores here) spent per delivery while the service ran.
  service_cpu_ms_per_delivery: cpuOf(serviceRounds, 'service'),
  service_main_thread_cpu_ms_per_delivery: cpuOf(serviceRounds, 'service:main'),
  baseline_cpu_ms_per_request: cpuOf(loopRounds, 'loop'),
  baseline_main_thread_cpu_ms_per_request: cpuOf(loopRounds, 'loop:main'),
  receiver_cpu_ms_per_delivery: cpuOf(serviceRounds, 'receiver'),
  kafka_cpu_ms_per_delivery: cpuOf(serviceRounds, 'kafka'),
  ferretdb_cpu_ms_per_delivery: cpuOf(serviceRounds, 'ferretdb'),
  bench_cpu_ms_per_delivery: cpuOf(serviceRounds, 'bench'),
  receiver_cpu_ms_per_request: cpuOf(loopRounds, 'receiver'),
  duplicates,
};
log(`service ${throughputFigures.throughput}/s vs raw loop ${throughputFigures.baseline}/s: ratio ${throughputFigures.ratio} (rounds ${throughputFigures.round_ratios.join(', ')})`);

/**
 * The throughput rounds again with tracing on (only one delivery service runs at a time: each group
 * would deliver every job): its own group, warm-up, rounds alternating with the raw loop.
 */
async function tracingRounds(): Promise<Record<string, number | number[]>> {
  if (TRACING === undefined) return {};
  const sink = await startOtlpReceiver({ drop: true });
  const group = `herald-bench-webhook-${id}-traced`;
  await positionAtEnd(kafka, group, LEVELS);
  const traced = await startDelivery(group, 'traced', {
    DELIVERY_CONCURRENCY: String(CONCURRENCY),
    WEBHOOK_CONNECTIONS_PER_ORIGIN: String(CONCURRENCY),
    OTEL_EXPORTER_OTLP_ENDPOINT: sink.url,
    OTEL_TRACES_SAMPLER: 'parentbased_traceidratio',
    OTEL_TRACES_SAMPLER_ARG: String(TRACING),
  });
  const warm = jobsFor(hooks, 10_000);
  const warmWatch = fast.watch(new Set(warm.map((j) => j.delivery_id)));
  await publishJobs(producer, codec, warm);
  await rateOf(warmWatch, warm.length);
  const loops = [await baseline(100)];
  const runs: Awaited<ReturnType<typeof service>>[] = [];
  for (let r = 1; r <= ROUNDS; r++) {
    runs.push(await service(100 + r, traced));
    loops.push(await baseline(100 + r));
  }
  await traced.kill('SIGTERM');
  await sink.close();
  const tracedRatios = runs.map((x, i) => x.value / (((loops[i]?.value ?? NaN) + (loops[i + 1]?.value ?? NaN)) / 2));
  const figures = {
    tracing_sample_ratio: TRACING,
    throughput_tracing: Math.round(median(runs.map((x) => x.value))),
    ratio_tracing: Number(median(tracedRatios).toFixed(3)),
    round_ratios_tracing: tracedRatios.map((x) => Number(x.toFixed(3))),
    tracing_vs_off: Number((median(tracedRatios) / ratio).toFixed(3)),
    service_cpu_ms_per_delivery_tracing: cpuOf(runs, 'service'),
    otlp_export_requests: sink.requests(),
  };
  log(`with tracing (${TRACING} sampled): service ${figures.throughput_tracing}/s, ratio ${figures.ratio_tracing} (rounds ${figures.round_ratios_tracing.join(', ')}), ${figures.tracing_vs_off} of the ratio without`);
  return figures;
}

/**
 * What attempt inspection costs: the stored bytes per attempt (the records the rounds above wrote,
 * as FerretDB stores them: JSON text), then rounds of a service with inspection on and one with it
 * off, interleaved (on, off, off, on, …) so that the machine's drift falls on both alike: each round
 * starts a fresh service of its kind in its own group (positioned at the end), warms it up, and is
 * measured between two raw-loop rounds as above. `inspection_vs_off` = median on-ratio / median off-ratio.
 */
async function inspectionRounds(): Promise<Record<string, number | number[]>> {
  if (!INSPECTION_COMPARE) return {};
  // Records are stored in buckets (one document per notification and flush, `n` records each).
  const sample = await db.collection<{ n?: number }>('delivery_inspections').find({}).limit(2_000).toArray();
  const count = await db.collection('delivery_inspections').countDocuments();
  const records = sample.reduce((n, d) => n + (d.n ?? 1), 0);
  const bytes = records === 0 ? NaN : sample.reduce((n, d) => n + Buffer.byteLength(JSON.stringify(d)), 0) / records;
  const kinds = { on: {}, off: { INSPECTION: 'off' } } as const;
  const runs: Record<keyof typeof kinds, { ratio: number; round: Awaited<ReturnType<typeof service>> }[]> = { on: [], off: [] };
  let before = await baseline(200);
  for (let r = 1; r <= ROUNDS; r++) {
    const order: (keyof typeof kinds)[] = r % 2 === 1 ? ['on', 'off'] : ['off', 'on'];
    for (const kind of order) {
      const group = `herald-bench-webhook-${id}-inspection-${kind}-${r}`;
      await positionAtEnd(kafka, group, LEVELS);
      const target = await startDelivery(group, `inspection-${kind}-${r}`, { DELIVERY_CONCURRENCY: String(CONCURRENCY), WEBHOOK_CONNECTIONS_PER_ORIGIN: String(CONCURRENCY), ...kinds[kind] });
      const warm = jobsFor(hooks, 10_000);
      const warmWatch = fast.watch(new Set(warm.map((j) => j.delivery_id)));
      await publishJobs(producer, codec, warm);
      await rateOf(warmWatch, warm.length);
      const round = await service(200 + r, target);
      const after = await baseline(200 + r);
      runs[kind].push({ ratio: round.value / ((before.value + after.value) / 2), round });
      log(`round ${r}: inspection ${kind}: ratio ${(runs[kind].at(-1)?.ratio ?? NaN).toFixed(3)}`);
      before = after;
      await target.kill('SIGTERM');
    }
  }
  const on = median(runs.on.map((x) => x.ratio));
  const off = median(runs.off.map((x) => x.ratio));
  const figures = {
    inspection_documents: count,
    inspection_bytes_per_attempt: Math.round(bytes),
    ratio_inspection_on: Number(on.toFixed(3)),
    round_ratios_inspection_on: runs.on.map((x) => Number(x.ratio.toFixed(3))),
    throughput_inspection_off: Math.round(median(runs.off.map((x) => x.round.value))),
    ratio_inspection_off: Number(off.toFixed(3)),
    round_ratios_inspection_off: runs.off.map((x) => Number(x.ratio.toFixed(3))),
    inspection_vs_off: Number((on / off).toFixed(3)),
    service_cpu_ms_per_delivery_inspection_on: cpuOf(runs.on.map((x) => x.round), 'service'),
    service_cpu_ms_per_delivery_inspection_off: cpuOf(runs.off.map((x) => x.round), 'service'),
    ferretdb_cpu_ms_per_delivery_inspection_on: cpuOf(runs.on.map((x) => x.round), 'ferretdb'),
    ferretdb_cpu_ms_per_delivery_inspection_off: cpuOf(runs.off.map((x) => x.round), 'ferretdb'),
  };
  log(`inspection: ${figures.inspection_bytes_per_attempt} bytes per attempt stored; on: ratio ${figures.ratio_inspection_on} (rounds ${figures.round_ratios_inspection_on.join(', ')}); off: ratio ${figures.ratio_inspection_off} (rounds ${figures.round_ratios_inspection_off.join(', ')}); on/off ${figures.inspection_vs_off}`);
  return figures;
}

if (ONLY_THROUGHPUT) {
  await svc.kill('SIGTERM');
  const tracingFigures = await tracingRounds();
  const inspectionFigures = await inspectionRounds();
  await fast.close();
  console.log(JSON.stringify({ bench: 'webhook', part: 'throughput', ...throughputFigures, ...tracingFigures, ...inspectionFigures }));
  await producer.disconnect();
  await feed.disconnect();
  await db.dropDatabase();
  await mongo.close();
  process.exit(0);
}

// 2. Latency at a fixed rate, the service caught up.
const latencyJobs = jobsFor(hooks, RATE * RATE_SECONDS);
const latencyWatch = fast.watch(new Set(latencyJobs.map((j) => j.delivery_id)));
const t0 = Date.now();
for (let tick = 0; tick < RATE_SECONDS * 20; tick++) {
  await sleep(Math.max(0, t0 + tick * 50 - Date.now()));
  await publishJobs(producer, codec, latencyJobs.slice(tick * (RATE / 20), (tick + 1) * (RATE / 20)));
}
const achievedRate = latencyJobs.length / ((Date.now() - t0) / 1000);
await rateOf(latencyWatch, latencyJobs.length, 60_000);
const latencies = latencyJobs.map((j) => (latencyWatch.firstArrival.get(j.delivery_id) ?? NaN) - j.created_at).sort((a, b) => a - b);
const rss = rssMb(svc.child.pid ?? 0) ?? 0;
await svc.kill('SIGTERM');
const tracingFigures = await tracingRounds();
const inspectionFigures = await inspectionRounds();
await fast.close();

// 3. A receiver that answers after 50 ms: one delivery process vs two (same per-process concurrency).
const slow = await spawnReceiver(SLOW_MS);
const slowHooks = await createHooks(store, feed, slow.url, HOOKS, `${id}-slow`);
const slowEnv = { DELIVERY_CONCURRENCY: String(SLOW_CONCURRENCY), WEBHOOK_CONNECTIONS_PER_ORIGIN: String(SLOW_CONCURRENCY) };
async function slowRun(processes: number): Promise<number> {
  const group = `herald-bench-webhook-${id}-slow${processes}`;
  await positionAtEnd(kafka, group, LEVELS);
  const procs: ServiceProcess[] = [];
  for (let p = 0; p < processes; p++) procs.push(await startDelivery(group, `slow${processes}-${p}`, slowEnv));
  await sleep(3_000); // the group settles after the last member joined
  // Warm-up (JIT, connection pools, caches) before measuring, as for the baseline.
  const warm = balancedJobsFor(slowHooks, SLOW_WARMUP_JOBS * processes);
  const warmWatch = slow.watch(new Set(warm.map((j) => j.delivery_id)));
  await publishJobs(producer, codec, warm);
  await rateOf(warmWatch, warm.length);
  const run = balancedJobsFor(slowHooks, SLOW_JOBS);
  const encodedRun = await encodeJobs(codec, run);
  const w = slow.watch(new Set(run.map((j) => j.delivery_id)));
  await sendEncoded(producer, encodedRun);
  const rate = await rateOf(w, SLOW_JOBS);
  await Promise.all(procs.map((s) => s.kill('SIGTERM')));
  return rate;
}
const one = await slowRun(1);
log(`50 ms receiver, 1 process: ${one.toFixed(0)} deliveries/s`);
const two = await slowRun(2);
log(`50 ms receiver, 2 processes: ${two.toFixed(0)} deliveries/s`);
await slow.close();

for (const s of services) await s.kill('SIGKILL');
await producer.disconnect();
await feed.disconnect();
await db.dropDatabase();
await mongo.close();

const pct = (p: number) => latencies[Math.min(latencies.length - 1, Math.floor((p / 100) * latencies.length))] ?? NaN;
console.log(
  JSON.stringify({
    bench: 'webhook',
    ...throughputFigures,
    slow_receiver_ms: SLOW_MS,
    slow_jobs: SLOW_JOBS,
    slow_concurrency_per_process: SLOW_CONCURRENCY,
    one_process: Math.round(one),
    two_processes: Math.round(two),
    scaling: Number((two / one).toFixed(3)),
    latency_rate: Math.round(achievedRate),
    latency_samples: latencies.length,
    p50_ms: pct(50),
    p99_ms: pct(99),
    rss_mb: rss,
    ...tracingFigures,
    ...inspectionFigures,
  }),
);
process.exit(0);
