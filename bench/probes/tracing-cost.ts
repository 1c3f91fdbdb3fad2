// `node --import tsx bench/probes/tracing-cost.ts`: what tracing costs the router's per-event work, in
// process, no Kafka (as bench/router/transform.ts): routeBatch over 1,000-event batches with tracing
// off, then on at BENCH_TRACING (default 0.1) sampling (parentbased_traceidratio: the events carry no
// traceparent, so the router starts one trace in ten), spans exported over OTLP/HTTP protobuf to a
// receiver in this process that drops them (its CPU counts against tracing). Each job is then
// encoded as the producer encodes it (kafkajs's record encoder, as patched by @herald/kafka), so
// the trace context headers' cost counts too. Passes alternate off/on;
// CPU µs per event are the medians. Needs the local stack's schema registry. Prints one JSON line last.
import { encodeRecord } from '@herald/kafka';
import { activeMessageTraces, startTracing } from '@herald/observability';
import { routeBatch } from '@herald/routing';
import { startOtlpReceiver } from '@herald/testing';
import { inProcessWorkload } from '../router/in-process.js';

const EVENTS = Number(process.env['BENCH_EVENTS'] ?? 50_000);
const RATIO = Number(process.env['BENCH_TRACING'] ?? 0.1);
const PASSES = 5;
const BATCH = 1_000;

const { codec, index, messages, metrics, source } = await inProcessWorkload(EVENTS);

const sink = await startOtlpReceiver({ drop: true });
const tracing = await startTracing({ service: 'tracing-cost', env: { OTEL_EXPORTER_OTLP_ENDPOINT: sink.url, OTEL_TRACES_SAMPLER: 'parentbased_traceidratio', OTEL_TRACES_SAMPLER_ARG: String(RATIO) } });
const traces = activeMessageTraces();

async function pass(traced: boolean): Promise<number> {
  const deps = { codec, view: index, metrics, traces: traced ? traces : undefined };
  const t0 = process.cpuUsage();
  for (let i = 0; i < messages.length; i += BATCH) {
    for (const out of await routeBatch(messages.slice(i, i + BATCH), source, deps)) {
      for (const [n, m] of out.messages.entries()) encodeRecord({ offsetDelta: n, key: m.key ?? null, value: m.value, headers: m.headers as Record<string, Buffer> | undefined });
    }
  }
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
