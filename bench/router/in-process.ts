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

export interface InProcessWorkload {
  codec: SchemaRegistryCodec;
  index: SubscriptionIndex;
  messages: KafkaMessage[];
  /** Counters that count nothing: the router's hot counters cost ~1 % of its per-event work. */
  metrics: RouteBatchMetrics;
  source: { topic: string; partition: number };
}

/** `events` events over 10,000 repositories × 5 subscriptions (one per kind, at most one match per event). Needs the local stack's schema registry. */
export async function inProcessWorkload(events: number): Promise<InProcessWorkload> {
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
  const messages = Array.from({ length: events }, (_, i) => {
    const ev = benchEvent(repos, i);
    return { key: Buffer.from(ev.repository), value: codec.encode(SUBJECTS.repositoryEvents, ev), offset: String(i), timestamp: String(Date.now()), headers: {}, attributes: 0 } as KafkaMessage;
  });
  const none = { inc: () => undefined };
  const metrics: RouteBatchMetrics = { eventsIn: none, jobsOut: none, filtered: none, skippedDisabled: none, deadLettered: none };
  return { codec, index, messages, metrics, source: { topic: 'repository-events', partition: 0 } };
}
