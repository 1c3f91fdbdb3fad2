import type { TopicSpec } from './topics.js';

/** A topic as Herald wants it: the spec plus the cluster-dependent replication settings. */
export interface DesiredTopic {
  name: string;
  partitions: number;
  replicationFactor: number;
  /** Topic-level overrides Herald sets; a managed key absent here means "the broker default". */
  config: Record<string, string>;
}

/** A topic as the cluster has it. */
export interface ObservedTopic {
  name: string;
  partitions: number;
  /** The smallest replica count of its partitions. */
  replicationFactor: number;
  /** Topic-level overrides (dynamic topic configs), by key. */
  overrides: Record<string, string>;
  /** Effective values of the managed keys that are not overridden (broker defaults), for messages. */
  defaults: Record<string, string>;
}

/** Replication settings for a cluster. */
export interface ReplicationSettings {
  replicationFactor: number;
  /** undefined: leave the broker default. */
  minInsyncReplicas: number | undefined;
}

/** One difference between a desired and an observed topic. */
export type Drift =
  | { kind: 'missing'; topic: string }
  | { kind: 'partitions'; topic: string; actual: number; expected: number }
  | { kind: 'replication'; topic: string; actual: number; expected: number }
  | { kind: 'config'; topic: string; key: string; actual: string | undefined; expected: string | undefined; brokerDefault: string | undefined };

/** What `apply` does, and the drift it leaves with the reason. */
export interface TopicPlan {
  create: DesiredTopic[];
  /** The complete set of topic-level overrides to write (AlterConfigs replaces the whole set). */
  alterConfigs: { topic: string; overrides: Record<string, string>; changed: string[] }[];
  /** `count` is the new total, as CreatePartitions takes it. */
  addPartitions: { topic: string; from: number; count: number }[];
  blocked: { drift: Drift; reason: string }[];
}

/**
 * Config keys Herald owns on every topic: a managed key a topic's spec does not set must not be
 * overridden on the topic (it would silently change retention or compaction). Others are left alone.
 */
export const MANAGED_CONFIGS = ['retention.ms', 'cleanup.policy', 'min.insync.replicas'] as const;

const DEFAULT_REPLICATION_FACTOR = 3;

/**
 * Replication for a cluster of `brokers` brokers: the wanted factor, or 3 (fewer when the cluster has
 * fewer brokers); `min.insync.replicas` as wanted, or 2 from a factor of 3 up (one broker may be
 * down and acks=all still succeed), else the broker default.
 */
export function replicationSettings(brokers: number, wanted: { replicationFactor?: number | undefined; minInsyncReplicas?: number | undefined } = {}): ReplicationSettings {
  const replicationFactor = wanted.replicationFactor ?? Math.max(1, Math.min(DEFAULT_REPLICATION_FACTOR, brokers));
  const minInsyncReplicas = wanted.minInsyncReplicas ?? (replicationFactor >= 3 ? 2 : undefined);
  if (minInsyncReplicas !== undefined && minInsyncReplicas > replicationFactor) {
    throw new RangeError(`min.insync.replicas ${minInsyncReplicas} exceeds the replication factor ${replicationFactor}`);
  }
  return { replicationFactor, minInsyncReplicas };
}

/** The desired state of `specs` under `settings`. */
export function desiredTopics(specs: readonly TopicSpec[], settings: ReplicationSettings): DesiredTopic[] {
  const isr: Record<string, string> = settings.minInsyncReplicas === undefined ? {} : { 'min.insync.replicas': String(settings.minInsyncReplicas) };
  return specs.map((s) => ({ name: s.name, partitions: s.partitions, replicationFactor: settings.replicationFactor, config: { ...s.config, ...isr } }));
}

function managedKeys(desired: readonly DesiredTopic[]): string[] {
  return [...new Set<string>([...MANAGED_CONFIGS, ...desired.flatMap((d) => Object.keys(d.config))])].sort();
}

/** Every difference between `desired` and what the cluster has, in the order of `desired`. */
export function findDrift(desired: readonly DesiredTopic[], observed: ReadonlyMap<string, ObservedTopic>): Drift[] {
  const keys = managedKeys(desired);
  const out: Drift[] = [];
  for (const d of desired) {
    const o = observed.get(d.name);
    if (!o) {
      out.push({ kind: 'missing', topic: d.name });
      continue;
    }
    if (o.partitions !== d.partitions) out.push({ kind: 'partitions', topic: d.name, actual: o.partitions, expected: d.partitions });
    if (o.replicationFactor !== d.replicationFactor) out.push({ kind: 'replication', topic: d.name, actual: o.replicationFactor, expected: d.replicationFactor });
    for (const key of keys) {
      const actual = o.overrides[key];
      const expected = d.config[key];
      if (actual !== expected) out.push({ kind: 'config', topic: d.name, key, actual, expected, brokerDefault: o.defaults[key] });
    }
  }
  return out;
}

/** One line per problem, e.g. `notifications.webhook: 6 partitions, expected 12`. */
export function describeDrift(d: Drift): string {
  switch (d.kind) {
    case 'missing':
      return `${d.topic}: missing`;
    case 'partitions':
      return `${d.topic}: ${d.actual} partitions, expected ${d.expected}`;
    case 'replication':
      return `${d.topic}: replication factor ${d.actual}, expected ${d.expected}`;
    case 'config': {
      const actual = d.actual === undefined ? `not set (broker default ${d.brokerDefault ?? 'unknown'})` : `is ${d.actual}`;
      return `${d.topic}: ${d.key} ${actual}, expected ${d.expected ?? 'the broker default'}`;
    }
  }
}

/**
 * What `apply` does about `drift`. Creating topics and setting configs are safe online. Adding
 * partitions changes which partition a key maps to (per-notification order breaks for keys in
 * flight), so it happens only with `addPartitions`. Kafka cannot remove partitions, and a
 * replication change is a reassignment: both are reported, never attempted.
 */
export function planTopics(desired: readonly DesiredTopic[], observed: ReadonlyMap<string, ObservedTopic>, opts: { addPartitions: boolean; brokers: number }): TopicPlan {
  const drift = findDrift(desired, observed);
  const byName = new Map(desired.map((d) => [d.name, d]));
  const plan: TopicPlan = { create: [], alterConfigs: [], addPartitions: [], blocked: [] };
  const configDrift = new Map<string, string[]>();
  for (const d of drift) {
    const want = byName.get(d.topic) as DesiredTopic;
    switch (d.kind) {
      case 'missing':
        if (want.replicationFactor > opts.brokers) {
          plan.blocked.push({ drift: d, reason: `replication factor ${want.replicationFactor} needs ${want.replicationFactor} brokers, the cluster has ${opts.brokers}` });
        } else plan.create.push(want);
        break;
      case 'partitions':
        if (d.actual > d.expected) plan.blocked.push({ drift: d, reason: 'Kafka cannot remove partitions; recreate the topic (its messages are lost) to fix' });
        else if (!opts.addPartitions) plan.blocked.push({ drift: d, reason: 'adding partitions changes which partition a key maps to; rerun with --add-partitions' });
        else plan.addPartitions.push({ topic: d.topic, from: d.actual, count: d.expected });
        break;
      case 'replication':
        plan.blocked.push({ drift: d, reason: 'a replication change is a partition reassignment (kafka-reassign-partitions); not done here' });
        break;
      case 'config':
        configDrift.set(d.topic, [...(configDrift.get(d.topic) ?? []), d.key]);
        break;
    }
  }
  const keys = new Set(managedKeys(desired));
  for (const [topic, changed] of configDrift) {
    const o = observed.get(topic) as ObservedTopic;
    const want = byName.get(topic) as DesiredTopic;
    // Keep overrides of keys Herald does not manage: AlterConfigs resets whatever it is not given.
    const kept = Object.fromEntries(Object.entries(o.overrides).filter(([k]) => !keys.has(k)));
    plan.alterConfigs.push({ topic, overrides: { ...kept, ...want.config }, changed });
  }
  return plan;
}
