import { HeraldError } from '@herald/errors';
import type { Admin, ConfigResourceTypes, ConfigSource, Kafka } from 'kafkajs';
import { describeDrift, findDrift, MANAGED_CONFIGS, type Drift, type ObservedTopic, type TopicPlan } from './provision.js';
import type { TopicSpec } from './topics.js';

// Wire values of kafkajs's enums: its CommonJS index spreads its exports, so ESM cannot import them by name.
const TOPIC_RESOURCE = 2 as ConfigResourceTypes.TOPIC;
const TOPIC_CONFIG = 1 as ConfigSource.TOPIC_CONFIG;

/** Topics are missing or have fewer/more partitions than Herald's specs: a service must not start. */
export class TopicsNotReadyError extends HeraldError {
  readonly problems: readonly string[];

  constructor(problems: readonly string[]) {
    super('TOPICS_NOT_READY', `Kafka topics are not as Herald needs them:\n  - ${problems.join('\n  - ')}\nrun \`npx herald topics apply\``);
    this.problems = problems;
  }
}

/** Partitions and replicas of the existing topics among `names`. */
async function observeLayout(admin: Admin, names: readonly string[]): Promise<Map<string, { partitions: number; replicationFactor: number }>> {
  const existing = new Set(await admin.listTopics());
  const present = names.filter((n) => existing.has(n));
  const out = new Map<string, { partitions: number; replicationFactor: number }>();
  if (present.length === 0) return out;
  const { topics } = await admin.fetchTopicMetadata({ topics: present });
  for (const t of topics) {
    const replicas = t.partitions.map((p) => p.replicas.length);
    out.set(t.name, { partitions: t.partitions.length, replicationFactor: replicas.length === 0 ? 0 : Math.min(...replicas) });
  }
  return out;
}

/** The cluster's view of `names`: layout, topic-level overrides and the defaults of managed keys. */
export async function observeTopics(admin: Admin, names: readonly string[], managed: readonly string[] = MANAGED_CONFIGS): Promise<Map<string, ObservedTopic>> {
  const layout = await observeLayout(admin, names);
  const out = new Map<string, ObservedTopic>();
  if (layout.size === 0) return out;
  const { resources } = await admin.describeConfigs({
    includeSynonyms: false,
    resources: [...layout.keys()].map((name) => ({ type: TOPIC_RESOURCE, name })),
  });
  for (const r of resources) {
    const l = layout.get(r.resourceName);
    if (!l) continue;
    if (r.errorCode !== 0) throw new HeraldError('TOPICS_DESCRIBE_FAILED', `describing ${r.resourceName} failed: ${r.errorMessage ?? `error ${r.errorCode}`}`, { retriable: true });
    const overrides: Record<string, string> = {};
    const defaults: Record<string, string> = {};
    for (const e of r.configEntries) {
      if (e.configSource === TOPIC_CONFIG) {
        if (e.configValue !== null && e.configValue !== undefined) overrides[e.configName] = e.configValue;
      } else if (managed.includes(e.configName)) defaults[e.configName] = e.configValue;
    }
    out.set(r.resourceName, { name: r.resourceName, ...l, overrides, defaults });
  }
  return out;
}

/** The number of brokers in the cluster (the ceiling of a replication factor). */
export async function brokerCount(admin: Admin): Promise<number> {
  return (await admin.describeCluster()).brokers.length;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * Waits until every partition of `names` has a leader. kafkajs's own wait (createTopics with
 * waitForLeaders) asks one broker once and gives up on UNKNOWN_TOPIC_OR_PARTITION, which a KRaft
 * broker answers until the new topics reach its metadata: on a fresh 3-broker cluster `herald
 * topics apply` failed that way ("This server does not host this topic-partition") about one
 * time in five. Any error is retried here until `timeoutMs`.
 */
async function waitForLeaders(admin: Admin, names: readonly string[], timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (let attempt = 0; ; attempt++) {
    let missing: string;
    try {
      const { topics } = await admin.fetchTopicMetadata({ topics: [...names] });
      const leaderless = topics.filter((t) => t.partitions.length === 0 || t.partitions.some((p) => p.leader < 0)).map((t) => t.name);
      if (leaderless.length === 0 && topics.length === names.length) return;
      missing = `no leader yet for ${leaderless.join(', ') || 'some topics'}`;
    } catch (err) {
      missing = (err as Error).message;
    }
    if (Date.now() >= deadline) throw new HeraldError('TOPICS_NO_LEADERS', `created topics have no leaders after ${timeoutMs / 1000} s: ${missing}`, { retriable: true });
    await sleep(Math.min(100 * 2 ** attempt, 1_000));
  }
}

/** One line per change made, e.g. `created notifications.webhook (12 partitions, replication factor 3)`. */
export async function applyTopicPlan(admin: Admin, plan: TopicPlan): Promise<string[]> {
  const done: string[] = [];
  if (plan.create.length > 0) {
    await admin.createTopics({
      waitForLeaders: false,
      topics: plan.create.map((t) => ({
        topic: t.name,
        numPartitions: t.partitions,
        replicationFactor: t.replicationFactor,
        configEntries: Object.entries(t.config).map(([name, value]) => ({ name, value })),
      })),
    });
    await waitForLeaders(admin, plan.create.map((t) => t.name));
    for (const t of plan.create) done.push(`created ${t.name} (${t.partitions} partitions, replication factor ${t.replicationFactor})`);
  }
  if (plan.alterConfigs.length > 0) {
    // kafkajs has no IncrementalAlterConfigs; AlterConfigs replaces a topic's whole override set,
    // so the plan carries every override to keep.
    await admin.alterConfigs({
      validateOnly: false,
      resources: plan.alterConfigs.map((a) => ({
        type: TOPIC_RESOURCE,
        name: a.topic,
        configEntries: Object.entries(a.overrides).map(([name, value]) => ({ name, value })),
      })),
    });
    for (const a of plan.alterConfigs) {
      done.push(`configured ${a.topic}: ${a.changed.map((k) => `${k}=${a.overrides[k] ?? '(broker default)'}`).join(', ')}`);
    }
  }
  if (plan.addPartitions.length > 0) {
    await admin.createPartitions({ topicPartitions: plan.addPartitions.map((p) => ({ topic: p.topic, count: p.count })) });
    for (const p of plan.addPartitions) done.push(`added ${p.count - p.from} partitions to ${p.topic} (${p.from} -> ${p.count})`);
  }
  return done;
}

/**
 * Resolves when every topic of `specs` exists with its expected partition count; otherwise rejects
 * with a TopicsNotReadyError listing each problem. Services call it at start instead of creating
 * topics: provisioning belongs to `npx herald topics apply`.
 */
export async function verifyTopics(kafka: Kafka, specs: readonly TopicSpec[]): Promise<void> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const layout = await observeLayout(admin, specs.map((s) => s.name));
    const observed = new Map([...layout].map(([name, l]) => [name, { name, ...l, overrides: {}, defaults: {} }]));
    // Only existence and partition counts: keys map to partitions by count.
    const wanted = specs.map((s) => ({ name: s.name, partitions: s.partitions, replicationFactor: observed.get(s.name)?.replicationFactor ?? 0, config: {} }));
    const problems = findDrift(wanted, observed).filter((d: Drift) => d.kind === 'missing' || d.kind === 'partitions');
    if (problems.length > 0) throw new TopicsNotReadyError(problems.map(describeDrift));
  } finally {
    await admin.disconnect();
  }
}
