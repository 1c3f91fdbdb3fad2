// `npm run bench:router:clients`: the router's exactly-once strategy as a bare copy (no decode, no
// lookup) on each Kafka client, over the same ≥100,000 events, alternating BENCH_ROUNDS rounds
// (default 3) with fresh consumer groups: kafkajs (createTransactionalPipe, the router's pipe) and
// @platformatic/kafka (startPlatformaticCopyPipe). Events/s from the first commit to the last, and
// each process's CPU ms per event over the same span. The last line is one JSON object.
import { randomBytes } from 'node:crypto';
import { ensureStack } from '@herald/infra';
import { sampleEvent, SchemaRegistryCodec } from '@herald/events';
import { createKafka, setGroupOffsetsToEnd, TOPICS } from '@herald/kafka';
import { createEventPublisher } from '@herald/producer';
import { spawnBaseline } from './baseline-process.js';
import { measure } from './measure.js';

const EVENTS = Number(process.env['BENCH_EVENTS'] ?? 100_000);
const ROUNDS = Number(process.env['BENCH_ROUNDS'] ?? 3);
const id = randomBytes(3).toString('hex');
const log = (msg: string) => console.log(`[bench:router:clients] ${msg}`);

const stack = await ensureStack();
process.env['KAFKA_BROKERS'] = stack.kafkaBrokers.join(',');
const kafka = createKafka({ brokers: stack.kafkaBrokers, clientId: 'herald-bench-clients' });
const codec = new SchemaRegistryCodec({ url: stack.registryUrl });
const publisher = createEventPublisher({ kafka, registryUrl: stack.registryUrl, codec, ensureTopic: true, batchSize: 1_000 });
await publisher.connect();
const startOf = async (group: string) => (await setGroupOffsetsToEnd(kafka, group, [TOPICS.repositoryEvents])).get(TOPICS.repositoryEvents)!;

const modes = ['eos', 'eos-platformatic'] as const;
const groups = [];
for (let r = 1; r <= ROUNDS; r++) {
  const round: Record<string, { group: string; start: Map<number, number> }> = {};
  for (const mode of modes) {
    const group = `herald-bench-clients-${mode}-${id}-${r}`;
    round[mode] = { group, start: await startOf(group) };
  }
  groups.push(round);
}
for (let i = 0; i < EVENTS; i += 1_000) {
  await publisher.publish(Array.from({ length: Math.min(1_000, EVENTS - i) }, (_, j) => sampleEvent('repo_push', { repository: `bench-${id}/repo-${(i + j) % 5_000}`, body: { updated_tags: [`t${i + j}`] } })));
}
await publisher.disconnect();
log(`${EVENTS} events published`);

const results: Record<string, { rate: number; cpuMs: number }[]> = { eos: [], 'eos-platformatic': [] };
for (const [i, round] of groups.entries()) {
  // Alternating which goes first, so neither always meets the warmer broker.
  for (const mode of i % 2 === 0 ? modes : [...modes].reverse()) {
    const { group, start } = round[mode]!;
    const pipe = await spawnBaseline(group, mode);
    const { rate, cpuMsPerEvent } = await measure(kafka, group, start, EVENTS, [pipe.pid]);
    await pipe.stop();
    results[mode]!.push({ rate, cpuMs: cpuMsPerEvent[0]! });
    log(`round ${i + 1}: ${mode === 'eos' ? 'kafkajs' : '@platformatic/kafka'} ${rate.toFixed(0)}/s, ${cpuMsPerEvent[0]!.toFixed(4)} CPU ms/event`);
  }
}
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] as number;
const k = results['eos']!;
const p = results['eos-platformatic']!;
console.log(
  JSON.stringify({
    bench: 'router-clients',
    events: EVENTS,
    rounds: ROUNDS,
    kafkajs_per_s: Math.round(median(k.map((x) => x.rate))),
    platformatic_per_s: Math.round(median(p.map((x) => x.rate))),
    platformatic_vs_kafkajs: Number(median(p.map((x, i) => x.rate / k[i]!.rate)).toFixed(3)),
    kafkajs_cpu_ms_per_event: Number(median(k.map((x) => x.cpuMs)).toFixed(4)),
    platformatic_cpu_ms_per_event: Number(median(p.map((x) => x.cpuMs)).toFixed(4)),
    round_rates: k.map((x, i) => ({ kafkajs: Math.round(x.rate), platformatic: Math.round(p[i]!.rate) })),
  }),
);
process.exit(0);
