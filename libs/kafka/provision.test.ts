import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseConfig } from '@herald/config';
import { describeDrift, desiredTopics, findDrift, planTopics, replicationSettings, type ObservedTopic } from './provision.js';
import { MAX_RETRY_DELAY_MS, retryDelaysMs } from './retry-delays.js';
import { DEFAULT_RETRY_DELAYS_MS, topicSpecs, type TopicSpec } from './topics.js';

const WEEK = String(7 * 24 * 3600_000);
const specs: TopicSpec[] = [
  { name: 'jobs', partitions: 12, config: { 'retention.ms': WEEK } },
  { name: 'changes', partitions: 1, config: { 'cleanup.policy': 'compact' } },
];

/** What the cluster would report for a topic created exactly as `desired`. */
function asCreated(name: string, partitions: number, replicationFactor: number, overrides: Record<string, string>): ObservedTopic {
  return { name, partitions, replicationFactor, overrides, defaults: { 'retention.ms': WEEK, 'cleanup.policy': 'delete', 'min.insync.replicas': '1' } };
}

test('replication: 3 by default, the broker count when fewer, min.insync.replicas 2 only from 3 replicas', () => {
  assert.deepEqual(replicationSettings(1), { replicationFactor: 1, minInsyncReplicas: undefined });
  assert.deepEqual(replicationSettings(2), { replicationFactor: 2, minInsyncReplicas: undefined });
  assert.deepEqual(replicationSettings(5), { replicationFactor: 3, minInsyncReplicas: 2 });
  assert.deepEqual(replicationSettings(1, { replicationFactor: 3 }), { replicationFactor: 3, minInsyncReplicas: 2 });
  assert.deepEqual(replicationSettings(5, { replicationFactor: 5, minInsyncReplicas: 3 }), { replicationFactor: 5, minInsyncReplicas: 3 });
  assert.throws(() => replicationSettings(5, { replicationFactor: 2, minInsyncReplicas: 3 }), /min.insync.replicas 3 exceeds the replication factor 2/);
});

test('desired topics carry min.insync.replicas only when it is set', () => {
  assert.deepEqual(desiredTopics(specs, replicationSettings(3))[0], { name: 'jobs', partitions: 12, replicationFactor: 3, config: { 'retention.ms': WEEK, 'min.insync.replicas': '2' } });
  assert.deepEqual(desiredTopics(specs, replicationSettings(1))[1]?.config, { 'cleanup.policy': 'compact' });
});

test('no drift for topics as specified; one line per difference otherwise', () => {
  const desired = desiredTopics(specs, replicationSettings(1));
  const clean = new Map([
    ['jobs', asCreated('jobs', 12, 1, { 'retention.ms': WEEK })],
    ['changes', asCreated('changes', 1, 1, { 'cleanup.policy': 'compact' })],
  ]);
  assert.deepEqual(findDrift(desired, clean), []);

  const drifted = new Map([['jobs', asCreated('jobs', 6, 2, { 'retention.ms': '3600000', 'cleanup.policy': 'compact', 'max.message.bytes': '2000000' })]]);
  assert.deepEqual(findDrift(desired, drifted).map(describeDrift), [
    'jobs: 6 partitions, expected 12',
    'jobs: replication factor 2, expected 1',
    'jobs: cleanup.policy is compact, expected the broker default',
    'jobs: retention.ms is 3600000, expected ' + WEEK,
    'changes: missing',
  ]);
  const unset = new Map([['jobs', asCreated('jobs', 12, 1, {})]]);
  assert.deepEqual(findDrift(desired.slice(0, 1), unset).map(describeDrift), [`jobs: retention.ms not set (broker default ${WEEK}), expected ${WEEK}`]);
});

test('the plan creates missing topics, rewrites configs keeping unmanaged overrides, and adds partitions only when asked', () => {
  const desired = desiredTopics(specs, replicationSettings(3));
  const observed = new Map([['jobs', asCreated('jobs', 6, 3, { 'retention.ms': '3600000', 'max.message.bytes': '2000000' })]]);

  const without = planTopics(desired, observed, { addPartitions: false, brokers: 3 });
  assert.deepEqual(without.create.map((t) => t.name), ['changes']);
  assert.deepEqual(without.alterConfigs, [
    { topic: 'jobs', overrides: { 'max.message.bytes': '2000000', 'retention.ms': WEEK, 'min.insync.replicas': '2' }, changed: ['min.insync.replicas', 'retention.ms'] },
  ]);
  assert.deepEqual(without.addPartitions, []);
  assert.equal(without.blocked.length, 1);
  assert.match(`${describeDrift(without.blocked[0]!.drift)} (${without.blocked[0]!.reason})`, /^jobs: 6 partitions, expected 12 \(.*rerun with --add-partitions\)$/);

  const withFlag = planTopics(desired, observed, { addPartitions: true, brokers: 3 });
  assert.deepEqual(withFlag.addPartitions, [{ topic: 'jobs', from: 6, count: 12 }]);
  assert.deepEqual(withFlag.blocked, []);
});

test('fewer partitions wanted, a replication change, or too few brokers: reported, never attempted', () => {
  const desired = desiredTopics(specs, replicationSettings(1, { replicationFactor: 3 }));
  const observed = new Map([['jobs', asCreated('jobs', 24, 1, { 'retention.ms': WEEK, 'min.insync.replicas': '2' })]]);
  const plan = planTopics(desired, observed, { addPartitions: true, brokers: 1 });
  assert.deepEqual(plan.create, []);
  assert.deepEqual(plan.addPartitions, []);
  assert.deepEqual(plan.alterConfigs, []);
  assert.deepEqual(plan.blocked.map((b) => `${describeDrift(b.drift)} (${b.reason})`), [
    'jobs: 24 partitions, expected 12 (Kafka cannot remove partitions; recreate the topic (its messages are lost) to fix)',
    'jobs: replication factor 1, expected 3 (a replication change is a partition reassignment (kafka-reassign-partitions); not done here)',
    'changes: missing (replication factor 3 needs 3 brokers, the cluster has 1)',
  ]);
});

test('the retry topics follow DELIVERY_RETRY_DELAYS_MS as the delivery services parse it, and outlive the longest delay', () => {
  const levels = (env: NodeJS.ProcessEnv) => parseConfig({ DELIVERY_RETRY_DELAYS_MS: retryDelaysMs() }, env).DELIVERY_RETRY_DELAYS_MS.length;
  const retryTopics = (n: number) => topicSpecs(n).filter((s) => s.name.startsWith('notifications.webhook.retry.')).map((s) => s.name);
  assert.equal(levels({}), DEFAULT_RETRY_DELAYS_MS.length);
  assert.deepEqual(retryTopics(levels({ DELIVERY_RETRY_DELAYS_MS: '200,400,600' })), ['notifications.webhook.retry.1', 'notifications.webhook.retry.2', 'notifications.webhook.retry.3']);
  assert.throws(() => levels({ DELIVERY_RETRY_DELAYS_MS: String(MAX_RETRY_DELAY_MS + 1) }), /DELIVERY_RETRY_DELAYS_MS must be/);
  for (const s of topicSpecs().filter((t) => t.name.includes('.retry.'))) assert.ok(Number(s.config['retention.ms']) > MAX_RETRY_DELAY_MS, s.name);
});

test('a prefix renames every topic and changes nothing else', () => {
  const plain = topicSpecs(2);
  const prefixed = topicSpecs(2, { prefix: 't-1.' });
  assert.deepEqual(prefixed, plain.map((s) => ({ ...s, name: `t-1.${s.name}` })));
});
