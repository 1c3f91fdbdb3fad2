// `npm run bench:replay`: live routing throughput while a replay runs, against without (issue 18).
// A window of BENCH_REPLAY_EVENTS events (default 100,000, all pushes to one repository whose
// notification matches every one: a job each) is published first; then BENCH_EVENTS live events
// (default 150,000, bench:router's mix over 2,000 repositories with 5 subscriptions each) that the
// router routes. Each round (BENCH_ROUNDS, default 6: the machine is shared and its speed drifts,
// so many short rounds) routes the live events twice with fresh consumer groups, a new router
// process each, in alternating order: once alone, once while the window is replayed (runReplay,
// what the config API runs, throttled to BENCH_REPLAY_RATE events/s, default
// REPLAY_MAX_EVENTS_PER_SECOND's 2,000). `ratio` = router with the replay / without (median of the
// rounds'; goal ≥ 0.8). The replay runs in this process, as it would in the config API's, beside
// the router's own process; its CPU per replayed event is this process's over the pass.
import { randomBytes, randomUUID } from 'node:crypto';
import { ensureStack } from '@herald/infra';
import { sampleEvent, SchemaRegistryCodec } from '@herald/events';
import { createKafka, setGroupOffsetsToEnd, TOPICS } from '@herald/kafka';
import { connectDb, createMongoClient } from '@herald/mongo';
import { createEventPublisher } from '@herald/producer';
import { planReplay, runReplay, type ReplayCounts } from '@herald/routing';
import { NotificationStore, toSubscription, type NotificationDoc } from '@herald/subscriptions';
import { startService } from '@herald/testing';
import { cpuOf, measure } from '../router/measure.js';
import { benchEvent } from '../router/workload.js';

const EVENTS = Number(process.env['BENCH_EVENTS'] ?? 150_000);
const REPLAY_EVENTS = Number(process.env['BENCH_REPLAY_EVENTS'] ?? 100_000);
const REPLAY_RATE = Number(process.env['BENCH_REPLAY_RATE'] ?? 2_000);
const ROUNDS = Number(process.env['BENCH_ROUNDS'] ?? 6);
const REPOS = 2_000;

const log = (msg: string) => console.log(`[bench:replay] ${msg}`);
process.on('unhandledRejection', (err) => {
  console.error('[bench:replay] failed:', err);
  process.exit(1);
});
for (const signal of ['SIGINT', 'SIGTERM'] as const) process.on(signal, () => process.exit(1));
const id = randomBytes(3).toString('hex');

const stack = await ensureStack();
const kafka = createKafka({ brokers: stack.kafkaBrokers, clientId: 'herald-bench-replay' });
const codec = new SchemaRegistryCodec({ url: stack.registryUrl });
const dbName = `herald_bench_replay_${id}`;
const mongo = createMongoClient({ url: stack.mongoUrl });
const db = await connectDb(mongo, dbName);
const store = new NotificationStore(db);
await store.ensureIndexes();

const doc = (repository: string, event: string, method: NotificationDoc['method'], event_config: Record<string, unknown> = {}): NotificationDoc => ({
  uuid: randomUUID(), repository, event, method, config: {}, event_config, title: null, number_of_failures: 0, disabled: false,
  disabled_reason: null, signing_secret: 'whsec_bench', created_by: 'bench', created_at: new Date(), updated_at: new Date(), version: 1,
});
const repos = Array.from({ length: REPOS }, (_, i) => `bench-${id}-${i % 100}/repo-${i}`);
await store.insertMany(repos.flatMap((r) => [
  doc(r, 'repo_push', 'webhook'), doc(r, 'build_success', 'slack', { 'ref-regex': 'refs/heads/' }), doc(r, 'vulnerability_found', 'email', { level: 2 }),
  doc(r, 'build_failure', 'hipchat'), doc(r, 'repo_mirror_sync_failed', 'quay_notification'),
]));
// The replayed notification: disabled (as after an outage), so the router never routes its events.
const replayed = { ...doc(`bench-${id}-replayed/app`, 'repo_push', 'webhook'), disabled: true };
await store.insertMany([replayed]);

const publisher = createEventPublisher({ kafka, registryUrl: stack.registryUrl, codec, ensureTopic: true, batchSize: 1_000 });
await publisher.connect();
const publish = async (n: number, make: (i: number) => ReturnType<typeof sampleEvent>) => {
  for (let i = 0; i < n; i += 1_000) await publisher.publish(Array.from({ length: Math.min(1_000, n - i) }, (_, j) => make(i + j)));
};

let t = Date.now();
const from = new Date(Date.now() - 1);
await publish(REPLAY_EVENTS, (i) => sampleEvent('repo_push', { repository: replayed.repository, body: { updated_tags: [`r${i}`] } }));
const to = new Date(Date.now() + 1);
await new Promise((r) => setTimeout(r, 5));
log(`${REPLAY_EVENTS} events of the replay window published in ${((Date.now() - t) / 1000).toFixed(1)}s`);

// Every router pass's group starts at the end now: each routes exactly the live events below.
const startOf = async (group: string) => (await setGroupOffsetsToEnd(kafka, group, [TOPICS.repositoryEvents])).get(TOPICS.repositoryEvents)!;
interface Round {
  r: number;
  alone: { group: string; start: Map<number, number> };
  beside: { group: string; start: Map<number, number> };
}
const rounds: Round[] = [];
for (let r = 1; r <= ROUNDS; r++) {
  const pass = async (kind: string) => {
    const group = `herald-bench-replay-${kind}-${id}-${r}`;
    return { group, start: await startOf(group) };
  };
  rounds.push({ r, alone: await pass('alone'), beside: await pass('beside') });
}
t = Date.now();
await publish(EVENTS, (i) => benchEvent(repos, i));
log(`${EVENTS} live events published in ${((Date.now() - t) / 1000).toFixed(1)}s`);

const plan = await planReplay(kafka, TOPICS.repositoryEvents, { from, to });
if (plan.total < REPLAY_EVENTS) throw new Error(`the window holds ${plan.total} offsets, expected ≥ ${REPLAY_EVENTS}`);
const env = { KAFKA_BROKERS: stack.kafkaBrokers.join(','), SCHEMA_REGISTRY_URL: stack.registryUrl, MONGO_URL: stack.mongoUrl, MONGO_DB: dbName, LOG_LEVEL: 'warn' };

async function routerPass(group: string, start: Map<number, number>, label: string): Promise<number> {
  const router = await startService('router', { ...env, ROUTER_GROUP_ID: group, ROUTER_INSTANCE_ID: `bench-replay-${id}-${label}` }, `bench-replay-router-${id}-${label}`, { bundle: true });
  try {
    const { rate } = await measure(kafka, group, start, EVENTS, [router.child.pid ?? 0]);
    return rate;
  } finally {
    await router.kill('SIGTERM');
  }
}

async function besidePass(round: Round): Promise<{ beside: number; counts: ReplayCounts; replayRate: number; cpuMsPerReplayed: number }> {
  const stop = new AbortController();
  let counts: ReplayCounts = { scanned: 0, matched: 0, produced: 0, done: 0 };
  let began = 0;
  let moving!: () => void;
  const started = new Promise<void>((resolve) => (moving = resolve));
  const replay = runReplay({
    kafka, codec, subscription: toSubscription(replayed), topic: TOPICS.repositoryEvents, ranges: plan.ranges, replayId: `bench-${id}-${round.r}`,
    maxEventsPerSecond: REPLAY_RATE, signal: stop.signal, progressIntervalMs: 250,
    onProgress: async (c) => {
      if (began === 0) began = Date.now();
      counts = c;
      if (c.scanned > 0) moving();
      return true;
    },
  });
  await started;
  const atStart = counts.scanned;
  const t0 = Date.now();
  const cpu = cpuOf([process.pid]);
  const beside = await routerPass(round.beside.group, round.beside.start, `${round.r}-beside`);
  const during = counts.scanned - atStart;
  const cpuMsPerReplayed = (cpu.done()[0] ?? NaN) / Math.max(1, during);
  const replayRate = during / ((Date.now() - t0) / 1000);
  const stillRunning = counts.scanned < plan.total;
  stop.abort();
  const end = await replay;
  if (!stillRunning) log(`round ${round.r}: the replay ended before the router pass did — the figure is not "while a replay runs"`);
  return { beside, counts: end.counts, replayRate, cpuMsPerReplayed };
}

const results: { alone: number; beside: number; replayRate: number; cpuMsPerReplayed: number }[] = [];
for (const round of rounds) {
  // Alternating order: a pass that runs second is not favoured (or hurt) in every round.
  const aloneFirst = round.r % 2 === 1;
  const first = aloneFirst ? await routerPass(round.alone.group, round.alone.start, `${round.r}-alone`) : await besidePass(round);
  const second = aloneFirst ? await besidePass(round) : await routerPass(round.alone.group, round.alone.start, `${round.r}-alone`);
  const alone = (aloneFirst ? first : second) as number;
  const b = (aloneFirst ? second : first) as Awaited<ReturnType<typeof besidePass>>;
  results.push({ alone, beside: b.beside, replayRate: b.replayRate, cpuMsPerReplayed: b.cpuMsPerReplayed });
  log(`round ${round.r} (${aloneFirst ? 'alone first' : 'beside first'}): router alone ${alone.toFixed(0)}/s, beside the replay ${b.beside.toFixed(0)}/s (ratio ${(b.beside / alone).toFixed(3)}); replay read ${b.replayRate.toFixed(0)} events/s meanwhile at ${b.cpuMsPerReplayed.toFixed(3)} CPU ms per event, ${b.counts.produced} jobs queued before it was stopped`);
}
await publisher.disconnect();
await db.dropDatabase();
await mongo.close();

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 === 1 ? (s[m] as number) : ((s[m - 1] as number) + (s[m] as number)) / 2;
};
const ratios = results.map((x) => x.beside / x.alone);
console.log(JSON.stringify({
  events: EVENTS,
  replay_window_events: REPLAY_EVENTS,
  replay_rate_limit: REPLAY_RATE,
  rounds: results.length,
  router_alone: results.map((x) => Math.round(x.alone)),
  router_beside_replay: results.map((x) => Math.round(x.beside)),
  replay_rate_observed: results.map((x) => Math.round(x.replayRate)),
  replay_cpu_ms_per_event: results.map((x) => Number(x.cpuMsPerReplayed.toFixed(3))),
  ratios: ratios.map((x) => Number(x.toFixed(3))),
  ratio: Number(median(ratios).toFixed(3)),
  ratio_of_medians: Number((median(results.map((x) => x.beside)) / median(results.map((x) => x.alone))).toFixed(3)),
  goal: 0.8,
}));
process.exit(0);
