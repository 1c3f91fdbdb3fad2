// `node --import tsx bench/probes/tracing-cost.ts`: what tracing costs the router's per-event work, in
// process, no Kafka (as bench/router/transform.ts): routeBatch over 1,000-event batches with tracing
// off, then on at BENCH_TRACING (default 0.1) sampling (parentbased_traceidratio: the events carry no
// traceparent, so the router starts one trace in ten), spans exported over OTLP/HTTP protobuf to a
// receiver in this process that drops them (its CPU counts against tracing). Passes alternate off/on;
// CPU µs per event are the medians. Needs the local stack's schema registry. Prints one JSON line last.
import { randomUUID } from 'node:crypto';
import { ensureStack } from '@herald/infra';
import { DELIVERY_JOB_SCHEMA, REPOSITORY_EVENT_SCHEMA, SchemaRegistryCodec, SUBJECTS } from '@herald/events';
import { DELIVERY_METHODS, type KafkaMessage } from '@herald/kafka';
import { activeTracer, startTracing } from '@herald/observability';
import { routeBatch, type RouteBatchMetrics } from '@herald/routing';
import { SubscriptionIndex, type Subscription } from '@herald/subscriptions';
import { startOtlpReceiver } from '@herald/testing';
import { benchEvent } from '../router/workload.js';

const EVENTS = Number(process.env['BENCH_EVENTS'] ?? 50_000);
const RATIO = Number(process.env['BENCH_TRACING'] ?? 0.1);
const PASSES = 5;
const BATCH = 1_000;
const REPOS = 10_000;

const stack = await ensureStack();
const codec = new SchemaRegistryCodec({ url: stack.registryUrl });
await codec.register(SUBJECTS.repositoryEvents, REPOSITORY_EVENT_SCHEMA);
await Promise.all(DELIVERY_METHODS.map((m) => codec.register(SUBJECTS.jobs(m), DELIVERY_JOB_SCHEMA)));
const index = new SubscriptionIndex();
const repos = Array.from({ length: REPOS }, (_, i) => `bench/repo-${i}`);
for (const repository of repos) {
  const sub = (event: string, method: Subscription['method'], event_config: Record<string, unknown>): Subscription => ({
    uuid: randomUUID(), repository, event, method, event_config, title: null, number_of_failures: 0, disabled: false, created_by: 'bench', version: 1,
  });
  for (const s of [sub('repo_push', 'webhook', {}), sub('build_success', 'slack', { 'ref-regex': 'refs/heads/' }), sub('vulnerability_found', 'email', { level: 2 }),
    sub('build_failure', 'hipchat', {}), sub('repo_mirror_sync_failed', 'quay_notification', {})]) index.upsert(s);
}
const messages: KafkaMessage[] = Array.from({ length: EVENTS }, (_, i) => {
  const ev = benchEvent(repos, i);
  return { key: Buffer.from(ev.repository), value: codec.encode(SUBJECTS.repositoryEvents, ev), offset: String(i), timestamp: String(Date.now()), headers: {}, attributes: 0 } as KafkaMessage;
});
const none = { inc: () => undefined };
const metrics: RouteBatchMetrics = { eventsIn: none, jobsOut: none, filtered: none, skippedDisabled: none, deadLettered: none };
const source = { topic: 'repository-events', partition: 0 };

const sink = await startOtlpReceiver({ drop: true });
const tracing = await startTracing({ service: 'tracing-cost', env: { OTEL_EXPORTER_OTLP_ENDPOINT: sink.url, OTEL_TRACES_SAMPLER: 'parentbased_traceidratio', OTEL_TRACES_SAMPLER_ARG: String(RATIO) } });
const tracer = activeTracer();

async function pass(traced: boolean): Promise<number> {
  const deps = { codec, view: index, metrics, tracer: traced ? tracer : undefined };
  const t0 = process.cpuUsage();
  for (let i = 0; i < messages.length; i += BATCH) await routeBatch(messages.slice(i, i + BATCH), source, deps);
  const used = process.cpuUsage(t0);
  return (used.user + used.system) / messages.length;
}
await pass(false);
await pass(true);
const off: number[] = [];
const on: number[] = [];
for (let p = 0; p < PASSES; p++) {
  off.push(await pass(false));
  on.push(await pass(true));
}
await tracing.shutdown();
await sink.close();
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const result = {
  bench: 'tracing-cost',
  events: EVENTS,
  sample_ratio: RATIO,
  us_per_event_off: Number(median(off).toFixed(2)),
  us_per_event_on: Number(median(on).toFixed(2)),
  passes_off: off.map((x) => Number(x.toFixed(2))),
  passes_on: on.map((x) => Number(x.toFixed(2))),
  // The router's per-event CPU with tracing off over with it on: its throughput ratio where that CPU is the limit.
  off_over_on: Number((median(off) / median(on)).toFixed(3)),
  otlp_export_requests: sink.requests(),
};
console.log(JSON.stringify(result));
process.exit(0);
