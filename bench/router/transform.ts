// `node --import tsx bench/router/transform.ts`: the router's per-event work alone, in process, no
// Kafka: decode an event (Avro, schema from the registry), look up its subscriptions, build and
// encode its jobs (routeBatch, as the router runs it), over batches like a fetch's. Three cases over
// the same events: the repository subscriptions only; the same plus 1,000 namespace-wide
// subscriptions over the events' namespaces (BENCH_NAMESPACE_SUBS, default 1,000) that one event in
// five matches (one more job: 1.2 jobs per event instead of 1.0); and the same namespace
// subscriptions with filters no event passes (the lookups and filters alone, 1.0 job per event).
// The three differ only by the namespace subscriptions in their index; the router reads an event's
// subscriptions of all scopes with one lookup (SubscriptionIndex.forEvent), whatever the scopes.
// Passes alternate between the cases after a warm-up of each; each figure is the median of its
// passes (CPU µs per event, and per job). With `--cpu-prof` (node --cpu-prof --import tsx …) it
// shows where they go.
// Needs the local stack's schema registry (`npm run stack -- up`).
import v8 from 'node:v8';
import vm from 'node:vm';
import { routeBatch } from '@herald/routing';
import { SubscriptionIndex } from '@herald/subscriptions';
import { inProcessWorkload, namespaceSubscriptions } from './in-process.js';

const EVENTS = Number(process.env['BENCH_EVENTS'] ?? 100_000);
const NAMESPACE_SUBS = Number(process.env['BENCH_NAMESPACE_SUBS'] ?? 1_000);
const PASSES = Number(process.env['BENCH_PASSES'] ?? 5);
const BATCH = 1_000;

const { codec, index, subscriptions, messages, metrics, source } = await inProcessWorkload(EVENTS);
const withNamespaces = new SubscriptionIndex();
for (const s of [...subscriptions, ...namespaceSubscriptions(NAMESPACE_SUBS)]) withNamespaces.upsert(s);
const withRejecting = new SubscriptionIndex();
for (const s of [...subscriptions, ...namespaceSubscriptions(NAMESPACE_SUBS, true)]) withRejecting.upsert(s);

interface Pass {
  us: number;
  jobs: number;
  bytesIn: number;
  bytesOut: number;
}

async function pass(view: SubscriptionIndex): Promise<Pass> {
  const deps = { codec, view, metrics };
  let jobs = 0;
  let bytesIn = 0;
  let bytesOut = 0;
  // CPU time, not wall time: the machine is shared, and waiting for a core is not the router's cost.
  const t0 = process.cpuUsage();
  for (let i = 0; i < messages.length; i += BATCH) {
    const batch = messages.slice(i, i + BATCH);
    for (const m of batch) bytesIn += m.value?.length ?? 0;
    for (const out of await routeBatch(batch, source, deps)) {
      jobs += out.messages.length;
      for (const m of out.messages) bytesOut += (m.value as Buffer).length;
    }
  }
  const used = process.cpuUsage(t0);
  return { us: (used.user + used.system) / messages.length, jobs, bytesIn, bytesOut };
}
// Warm-up of both (JIT, the index's lookup lists), then the cases in turn, so both see the same machine.
// Each pass starts from a collected heap (so none pays for its predecessor's garbage), and each
// round starts with the next case (so none always runs first or last).
v8.setFlagsFromString('--expose-gc');
const gc = vm.runInNewContext('gc') as () => void;
const cases = [
  ['repository', index],
  ['namespace', withNamespaces],
  ['rejecting', withRejecting],
] as const;
const runs: Record<(typeof cases)[number][0], Pass[]> = { repository: [], namespace: [], rejecting: [] };
for (const [, view] of cases) await pass(view);
for (let i = 0; i < PASSES; i++) {
  for (let c = 0; c < cases.length; c++) {
    const [name, view] = cases[(i + c) % cases.length]!;
    gc();
    runs[name].push(await pass(view));
  }
}

function summary(name: string, passes: Pass[]) {
  const us = passes.map((r) => r.us).sort((a, b) => a - b)[Math.floor(passes.length / 2)]!;
  const r = passes[0]!;
  console.log(`[bench:router:transform] ${name}: ${us.toFixed(2)} µs/event, ${(us / Math.max(1e-9, r.jobs / EVENTS)).toFixed(2)} µs/job (passes ${passes.map((x) => x.us.toFixed(2)).join(', ')}), ${(r.jobs / EVENTS).toFixed(2)} jobs/event, ${(r.bytesIn / EVENTS).toFixed(0)} B in, ${(r.bytesOut / Math.max(1, r.jobs)).toFixed(0)} B per job`);
  return { us_per_event: Number(us.toFixed(2)), jobs_per_event: Number((r.jobs / EVENTS).toFixed(3)), us_per_job: Number((us / Math.max(1e-9, r.jobs / EVENTS)).toFixed(2)), bytes_in_per_event: Math.round(r.bytesIn / EVENTS), bytes_per_job: Math.round(r.bytesOut / Math.max(1, r.jobs)) };
}
const repository = summary('repository subscriptions only', runs.repository);
const namespace = summary(`+ ${NAMESPACE_SUBS} namespace-wide subscriptions`, runs.namespace);
const rejecting = summary(`+ ${NAMESPACE_SUBS} namespace-wide subscriptions no event passes`, runs.rejecting);
/** Throughput (events per CPU second) against the repository-only case: -0.05 is 5 % fewer. */
const change = (c: { us_per_event: number }) => Number((repository.us_per_event / c.us_per_event - 1).toFixed(4));
/** The same in jobs per CPU second: the namespace case makes more jobs per event, each with its own id and encoding. */
const jobChange = (c: { us_per_job: number }) => Number((repository.us_per_job / c.us_per_job - 1).toFixed(4));
const pct = (x: number) => `${(x * 100).toFixed(1)} %`;
console.log(
  `[bench:router:transform] throughput against repository subscriptions only: ${pct(change(namespace))} events/s (${pct(jobChange(namespace))} jobs/s) with namespace subscriptions (more jobs), ${pct(change(rejecting))} with rejecting ones (same jobs)`,
);
console.log(
  JSON.stringify({
    bench: 'router-transform',
    events: EVENTS,
    passes: PASSES,
    // The repository-only case's figures at the top level, as before the namespace case was added.
    ...repository,
    namespace_subscriptions: NAMESPACE_SUBS,
    with_namespace_subscriptions: { ...namespace, throughput_change: change(namespace), job_throughput_change: jobChange(namespace) },
    with_rejecting_namespace_subscriptions: { ...rejecting, throughput_change: change(rejecting) },
  }),
);
process.exit(0);
