// `npm run bench:idle`: what each service costs at rest. Starts the router, the config API and the
// six delivery services (the bundles the images run, each with its own consumer groups and database)
// against the stack the environment names (KAFKA_PORT / REGISTRY_PORT / MONGO_PORT, or KAFKA_BROKERS
// / SCHEMA_REGISTRY_URL / MONGO_URL), waits until all are ready, lets them settle (BENCH_IDLE_SETTLE_SECONDS,
// default 30), then reads each process's CPU time (utime + stime in /proc/<pid>/stat) over
// BENCH_IDLE_SECONDS (default 30) with nothing to do. The last line printed is one JSON object:
// percent of one core per service, and the largest.
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { stackAddresses } from '@herald/config';
import { createKafka, setGroupOffsetsToEnd, TOPICS } from '@herald/kafka';
import { startService, type ServiceProcess } from '@herald/testing';

const SECONDS = Number(process.env['BENCH_IDLE_SECONDS'] ?? 30);
// Rest begins once start-up is over: V8 keeps compiling and collecting what start-up allocated for
// about half a minute (measured: a delivery service used ~5.7 % of a core in its first 30 s after
// ready, 0.7 % in the next two).
const SETTLE_SECONDS = Number(process.env['BENCH_IDLE_SETTLE_SECONDS'] ?? 30);
const SERVICES = ['router', 'config-api', 'delivery-webhook', 'delivery-email', 'delivery-slack', 'delivery-hipchat', 'delivery-flowdock', 'delivery-inapp'];

const log = (msg: string) => console.log(`[bench:idle] ${msg}`);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const id = randomBytes(3).toString('hex');
const clockTicks = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim());

/** CPU seconds (user + system, all threads) a process has used so far. */
function cpuSeconds(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  // Fields after the command name, which may itself hold spaces and parentheses.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) / clockTicks;
}

const stack = stackAddresses();
const baseEnv = {
  KAFKA_BROKERS: stack.kafkaBrokers.join(','),
  SCHEMA_REGISTRY_URL: stack.schemaRegistryUrl,
  MONGO_URL: stack.mongoUrl,
  MONGO_DB: `herald_bench_idle_${id}`,
  LOG_LEVEL: 'warn',
};
const envOf = (name: string): Record<string, string> => {
  if (name === 'router') return { ROUTER_GROUP_ID: `herald-bench-idle-${id}-router`, ROUTER_INSTANCE_ID: `bench-idle-${id}` };
  if (name === 'config-api') {
    return {
      HTTP_PORT: '0',
      AUTH_JWT_SECRET: randomBytes(32).toString('hex'),
      RECENT_REFS_GROUP_ID: `herald-bench-idle-${id}-config-api-recent-refs`,
      RECENT_REFS_FROM_BEGINNING: 'false',
    };
  }
  // Fresh groups start at the end: a backlog left on the shared topics by earlier runs is not rest.
  return { DELIVERY_GROUP_ID: `herald-bench-idle-${id}-${name}`, DELIVERY_FROM_BEGINNING: 'false' };
};

// The router's fresh group starts at the end of repository-events: a backlog left by earlier runs is not rest.
await setGroupOffsetsToEnd(createKafka({ brokers: stack.kafkaBrokers, clientId: 'herald-bench-idle' }), envOf('router')['ROUTER_GROUP_ID']!, [TOPICS.repositoryEvents]);

const services = new Map<string, ServiceProcess>();
try {
  log(`starting ${SERVICES.length} services against ${baseEnv.KAFKA_BROKERS}`);
  // Settled, not all: a service that fails to start must not leave the others running.
  const started = await Promise.allSettled(
    SERVICES.map(async (name) => {
      const svc = await startService(name, { ...baseEnv, ...envOf(name) }, `bench-idle-${id}-${name}`, { bundle: true });
      services.set(name, svc);
      await svc.ready(120_000);
    }),
  );
  const failed = started.flatMap((r) => (r.status === 'rejected' ? [r.reason as unknown] : []));
  if (failed.length > 0) throw new AggregateError(failed, failed.map((e) => (e instanceof Error ? e.message : String(e))).join('; '));
  log(`all ready; settling ${SETTLE_SECONDS} s, then measuring ${SECONDS} s`);
  await sleep(SETTLE_SECONDS * 1000);
  const pidOf = (name: string) => services.get(name)?.child.pid ?? 0;
  const before = new Map(SERVICES.map((n) => [n, cpuSeconds(pidOf(n))]));
  const t0 = process.hrtime.bigint();
  await sleep(SECONDS * 1000);
  const elapsed = Number(process.hrtime.bigint() - t0) / 1e9;
  const pct = Object.fromEntries(SERVICES.map((n) => [n, Number((((cpuSeconds(pidOf(n)) - (before.get(n) ?? NaN)) / elapsed) * 100).toFixed(2))]));
  for (const [n, p] of Object.entries(pct)) log(`${n.padEnd(18)} ${p.toFixed(2)} % of a core`);
  console.log(JSON.stringify({ bench: 'idle', seconds: SECONDS, services: pct, max_pct: Math.max(...Object.values(pct)) }));
} finally {
  await Promise.all([...services.values()].map((s) => s.kill()));
}
