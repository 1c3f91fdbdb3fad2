// `npm run bench:ingest`: Distribution envelopes per second the ingest service accepts (each a tag
// push, durable in Kafka before the 202, coalesced behind) against a bare Fastify server whose
// handler does nothing, same load loop, same concurrency, alternating rounds (BENCH_ROUNDS, default
// 3, BENCH_SECONDS each, default 8; BENCH_CONCURRENCY connections, default 128). Goal: ratio >= 0.5.
// Loopback only. The last line printed is one JSON object with the figures.
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { join } from 'node:path';
import { ensureStack } from '@herald/infra';
import { createKafka, runTopicsCommand, setGroupOffsetsToEnd, TOPICS } from '@herald/kafka';
import { freePort, ROOT, startService } from '@herald/testing';
import { cpuDuring } from '../webhook/cpu.js';
import { loadLoop, type LoadResult } from './load.js';

const ROUNDS = Number(process.env['BENCH_ROUNDS'] ?? 3);
const SECONDS = Number(process.env['BENCH_SECONDS'] ?? 8);
// Each accept waits for Kafka's ack, and concurrent accepts share one produce request: throughput is
// bound by concurrency / produce latency. 128 connections stand for a fleet of registries (one
// Distribution endpoint sends one request at a time).
const CONCURRENCY = Number(process.env['BENCH_CONCURRENCY'] ?? 128);
const REPOSITORIES = 200;

const log = (msg: string) => console.log(`[bench:ingest] ${msg}`);
const id = randomBytes(3).toString('hex');
const token = randomBytes(24).toString('hex');
const stack = await ensureStack();
const lines: string[] = [];
if ((await runTopicsCommand(['apply', '--brokers', stack.kafkaBrokers.join(',')], {}, { out: (l) => lines.push(l), err: (l) => lines.push(l) })) !== 0) throw new Error(`topics apply failed:\n${lines.join('\n')}`);
const group = `herald-bench-ingest-${id}`;
await setGroupOffsetsToEnd(createKafka({ brokers: stack.kafkaBrokers, clientId: 'herald-bench' }), group, [TOPICS.ingestRecords]);

const port = await freePort();
const ingest = await startService(
  'ingest',
  {
    KAFKA_BROKERS: stack.kafkaBrokers.join(','),
    SCHEMA_REGISTRY_URL: stack.registryUrl,
    HTTP_PORT: String(port),
    INGEST_TOKENS: `bench=${token}`,
    INGEST_GROUP_ID: group,
    INGEST_INSTANCE_ID: `bench-${id}`,
    INGEST_RATE_PER_SECOND: '1000000',
    INGEST_RATE_BURST: '1000000',
    INGEST_MAX_IN_FLIGHT: '100000',
    LOG_LEVEL: 'warn',
  },
  `bench-ingest-${id}`,
  { bundle: true },
);
await ingest.ready(90_000);
const bare = spawn(process.execPath, ['--import', 'tsx', join(ROOT, 'bench', 'ingest', 'bare-server.ts')], { cwd: ROOT, stdio: ['ignore', 'pipe', 'inherit'] });
const [portLine] = (await once(bare.stdout!, 'data')) as [Buffer];
const barePort = Number(portLine.toString().trim());

// One tag push per envelope, as Distribution sends them: unique ids, repositories round-robin.
const envelope = (i: number) =>
  JSON.stringify({
    events: [
      {
        id: `${id}-${i}`,
        timestamp: new Date().toISOString(),
        action: 'push',
        target: { mediaType: 'application/vnd.oci.image.manifest.v1+json', digest: 'sha256:5d0da3dc976460b72c77d94c8a1ad043720b0416bfc16c52c45d4847e53fadb6', size: 527, repository: `bench-${id}/app${i % REPOSITORIES}`, tag: `t${i}` },
        request: { id: `r${i}`, addr: '127.0.0.1:1', host: 'registry.bench:5000', method: 'PUT', useragent: 'bench' },
        actor: { name: 'bench' },
        source: { addr: 'registry.bench:5000', instanceID: 'bench' },
      },
    ],
  });
const headers = { 'content-type': 'application/vnd.docker.distribution.events.v2+json', authorization: `Bearer ${token}` };
let offset = 0;
// CPU of the server under load (its main thread apart: the event loop the HTTP handling and the
// coalescer share), as % of one core over the round.
const run = async (url: string, pid: number): Promise<LoadResult & { cpuPct: number; mainPct: number }> => {
  const base = offset;
  const t0 = performance.now();
  const { value: r, cpu } = await cpuDuring({ all: pid, 'main:main': pid }, () => loadLoop(url, headers, (i) => envelope(base + i), CONCURRENCY, SECONDS * 1000));
  const ms = performance.now() - t0;
  offset += r.ok + r.refused + CONCURRENCY;
  return { ...r, cpuPct: Math.round(((cpu['all'] ?? NaN) / ms) * 100), mainPct: Math.round(((cpu['main:main'] ?? NaN) / ms) * 100) };
};

// Warm-up (JIT, connections, producer metadata), not counted.
await loadLoop(`http://127.0.0.1:${barePort}/v1/distribution/events`, headers, envelope, CONCURRENCY, 2_000);
const warm = await loadLoop(`http://127.0.0.1:${port}/v1/distribution/events`, headers, (i) => envelope(10_000_000 + i), CONCURRENCY, 2_000);
offset = 20_000_000 + warm.ok;
await coalescerCaughtUp(ingest.opsPort, warm.ok);

/**
 * A coalescer loading a partition first reads back the records of the last INGEST_DEDUPE_HORIZON_MS
 * (10 min) for their event ids: after earlier runs, hundreds of thousands. That is a start-up cost,
 * not an accept cost, and would land in whichever rounds run meanwhile (the bare server's too): the
 * rounds start once the coalescer has consumed the warm-up's records and its counters stood still
 * for a second (at most 120 s).
 */
async function coalescerCaughtUp(opsPort: number, records: number): Promise<void> {
  const t0 = Date.now();
  let last = -1;
  for (;;) {
    const text = await (await fetch(`http://127.0.0.1:${opsPort}/metrics`)).text();
    let consumed = 0;
    let all = 0;
    for (const m of text.matchAll(/^herald_ingest_coalescer_records_total\{[^}]*outcome="(\w+)"[^}]*\} (\d+)$/gm)) {
      all += Number(m[2]);
      if (m[1] !== 'replayed') consumed += Number(m[2]);
    }
    if ((consumed >= records && all === last) || Date.now() - t0 > 120_000) break;
    last = all;
    await new Promise((r) => setTimeout(r, 1_000));
  }
  log(`coalescer caught up in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
}

// CPU per request (ms of a core) is the steadier figure on a shared machine: a process starved of CPU
// by others accepts less in proportion, and the ratio swings with whoever else runs.
const cpuMsPer = (pct: number, perSecond: number) => Number(((pct * 10) / perSecond).toFixed(3));
const rounds: {
  ingest: number;
  bare: number;
  ratio: number;
  refused: number;
  ingest_cpu_pct: number;
  ingest_main_thread_pct: number;
  bare_cpu_pct: number;
  ingest_cpu_ms_per_envelope: number;
  bare_cpu_ms_per_request: number;
}[] = [];
try {
  for (let r = 0; r < ROUNDS; r++) {
    const b = await run(`http://127.0.0.1:${barePort}/v1/distribution/events`, bare.pid!);
    const i = await run(`http://127.0.0.1:${port}/v1/distribution/events`, ingest.child.pid!);
    rounds.push({
      ingest: Math.round(i.perSecond),
      bare: Math.round(b.perSecond),
      ratio: Number((i.perSecond / b.perSecond).toFixed(3)),
      refused: i.refused,
      ingest_cpu_pct: i.cpuPct,
      ingest_main_thread_pct: i.mainPct,
      bare_cpu_pct: b.cpuPct,
      ingest_cpu_ms_per_envelope: cpuMsPer(i.cpuPct, i.perSecond),
      bare_cpu_ms_per_request: cpuMsPer(b.cpuPct, b.perSecond),
    });
    log(`round ${r + 1}: ingest ${i.perSecond.toFixed(0)}/s (${i.refused} refused; CPU ${i.cpuPct}% of a core, main thread ${i.mainPct}%), bare Fastify ${b.perSecond.toFixed(0)}/s (CPU ${b.cpuPct}%), ratio ${(i.perSecond / b.perSecond).toFixed(3)}`);
  }
} finally {
  bare.kill('SIGTERM');
  await ingest.kill('SIGTERM');
}
const ratios = rounds.map((x) => x.ratio).sort((a, b) => a - b);
const median = ratios[Math.floor(ratios.length / 2)] ?? 0;
console.log(
  JSON.stringify({
    bench: 'ingest',
    concurrency: CONCURRENCY,
    seconds_per_round: SECONDS,
    rounds,
    ingest_envelopes_per_s: Math.round(rounds.reduce((s, x) => s + x.ingest, 0) / rounds.length),
    bare_fastify_per_s: Math.round(rounds.reduce((s, x) => s + x.bare, 0) / rounds.length),
    ratio_median: median,
    goal: 0.5,
  }),
);
