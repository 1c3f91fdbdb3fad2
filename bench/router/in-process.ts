// The in-process router workload (no Kafka) of bench/router/transform.ts and
// bench/probes/tracing-cost.ts: bench:router's subscriptions in a SubscriptionIndex, its event mix
// encoded as consumed messages, and counters that count nothing.
import { randomUUID } from 'node:crypto';
import { ensureStack } from '@herald/infra';
import { DELIVERY_JOB_SCHEMA, REPOSITORY_EVENT_SCHEMA, SchemaRegistryCodec, SUBJECTS } from '@herald/events';
import { DELIVERY_METHODS, type KafkaMessage } from '@herald/kafka';
import type { RouteBatchMetrics } from '@herald/routing';
import { SubscriptionIndex, type Subscription } from '@herald/subscriptions';
import { benchEvent } from './workload.js';

const REPOS = 10_000;
/** The repositories are spread over this many namespaces (10 each), `bench-<n>/repo-<i>`. */
export const BENCH_NAMESPACES = 1_000;

/** The five subscriptions of a scope (one per kind, filters as a repository's), the `i`-th of them. */
const KINDS: readonly [string, Subscription['method'], Record<string, unknown>][] = [
  ['repo_push', 'webhook', {}],
  ['build_success', 'slack', { 'ref-regex': 'refs/heads/' }],
  ['vulnerability_found', 'email', { level: 2 }],
  ['build_failure', 'hipchat', {}],
  ['repo_mirror_sync_failed', 'quay_notification', {}],
];

function benchSub(scope: Pick<Subscription, 'repository' | 'scope' | 'namespace'>, kind: number): Subscription {
  const [event, method, event_config] = KINDS[kind % KINDS.length]!;
  return { uuid: randomUUID(), ...scope, event, method, event_config, title: null, number_of_failures: 0, disabled: false, created_by: 'bench', version: 1 };
}

/** Filters the workload's events never pass (its pushes tag `t<i>`, builds ref refs/heads/…, vulnerabilities tag latest and v1.4.2). */
const REJECTING: Readonly<Record<string, Record<string, unknown>>> = {
  repo_push: { 'tag-glob': ['release-*'] },
  build_success: { 'ref-regex': 'refs/tags/' },
  vulnerability_found: { 'tag-glob': ['release-*'] },
};

/**
 * `count` namespace-wide subscriptions over the workload's namespaces (one per namespace up to
 * 1,000, kinds in turn as the repositories'): an event reaches its namespace's when the kinds agree
 * (one event in five) and gets one more job if its filter passes. `rejecting`: filters no event
 * passes, so the jobs stay those of the repository subscriptions and only the lookups and filters cost.
 */
export function namespaceSubscriptions(count: number, rejecting = false): Subscription[] {
  return Array.from({ length: count }, (_, i) => {
    const s = benchSub({ repository: '', scope: 'namespace', namespace: `bench-${i % BENCH_NAMESPACES}` }, i);
    return rejecting ? { ...s, event_config: REJECTING[s.event] ?? s.event_config } : s;
  });
}

export interface InProcessWorkload {
  codec: SchemaRegistryCodec;
  index: SubscriptionIndex;
  /** The repository subscriptions in `index`. */
  subscriptions: Subscription[];
  messages: KafkaMessage[];
  /** Counters that count nothing: the router's hot counters cost ~1 % of its per-event work. */
  metrics: RouteBatchMetrics;
  source: { topic: string; partition: number };
}

/** `events` events over 10,000 repositories (in 1,000 namespaces) × 5 subscriptions (one per kind, at most one match per event). Needs the local stack's schema registry. */
export async function inProcessWorkload(events: number): Promise<InProcessWorkload> {
  const stack = await ensureStack();
  const codec = new SchemaRegistryCodec({ url: stack.registryUrl });
  await codec.register(SUBJECTS.repositoryEvents, REPOSITORY_EVENT_SCHEMA);
  await Promise.all(DELIVERY_METHODS.map((m) => codec.register(SUBJECTS.jobs(m), DELIVERY_JOB_SCHEMA)));
  const index = new SubscriptionIndex();
  const repos = Array.from({ length: REPOS }, (_, i) => `bench-${i % BENCH_NAMESPACES}/repo-${i}`);
  const subscriptions = repos.flatMap((repository) => KINDS.map((_, k) => benchSub({ repository }, k)));
  for (const s of subscriptions) index.upsert(s);
  const messages = Array.from({ length: events }, (_, i) => {
    const ev = benchEvent(repos, i);
    return { key: Buffer.from(ev.repository), value: codec.encode(SUBJECTS.repositoryEvents, ev), offset: String(i), timestamp: String(Date.now()), headers: {}, attributes: 0 } as KafkaMessage;
  });
  const none = { inc: () => undefined };
  const metrics: RouteBatchMetrics = { eventsIn: none, jobsOut: none, filtered: none, skippedDisabled: none, deadLettered: none };
  return { codec, index, subscriptions, messages, metrics, source: { topic: 'repository-events', partition: 0 } };
}
