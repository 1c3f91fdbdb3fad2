// `node --import tsx bench/router/transform.ts`: the router's per-event work alone, in process, no
// Kafka: decode an event (Avro, schema from the registry), look up its subscriptions, build and
// encode its jobs (routeBatch, as the router runs it), over batches like a fetch's. Prints CPU µs
// per event (the median of three passes after a warm-up); with `--cpu-prof` (node --cpu-prof --import tsx …) it shows where they go. Needs the local
// stack's schema registry (`npm run stack -- up`).
import { routeBatch } from '@herald/routing';
import { inProcessWorkload } from './in-process.js';

const EVENTS = Number(process.env['BENCH_EVENTS'] ?? 100_000);
const BATCH = 1_000;

const { codec, index, messages, metrics, source } = await inProcessWorkload(EVENTS);
const deps = { codec, view: index, metrics };

async function pass(): Promise<{ us: number; jobs: number; bytesIn: number; bytesOut: number }> {
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
await pass(); // warm-up: JIT, the view's lookup lists
const runs = [await pass(), await pass(), await pass()];
const us = runs.map((r) => r.us).sort((a, b) => a - b)[1]!;
const r = runs[0]!;
console.log(`[bench:router:transform] ${us.toFixed(2)} µs/event (runs ${runs.map((x) => x.us.toFixed(2)).join(', ')}), ${(r.jobs / EVENTS).toFixed(2)} jobs/event, ${(r.bytesIn / EVENTS).toFixed(0)} B in, ${(r.bytesOut / Math.max(1, r.jobs)).toFixed(0)} B per job`);
console.log(JSON.stringify({ bench: 'router-transform', events: EVENTS, us_per_event: Number(us.toFixed(2)), jobs_per_event: Number((r.jobs / EVENTS).toFixed(3)), bytes_in_per_event: Math.round(r.bytesIn / EVENTS), bytes_per_job: Math.round(r.bytesOut / Math.max(1, r.jobs)) }));
process.exit(0);
