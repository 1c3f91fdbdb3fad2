import { randomUUID } from 'node:crypto';
import type { Admin, Kafka } from 'kafkajs';
import { applyTopicPlan, brokerCount } from './provision-admin.js';
import { desiredTopics, replicationSettings } from './provision.js';
import { topicSpecs, type TopicSpec } from './topics.js';

/**
 * Creates the given topics if missing (explicit partitions and retention; auto-create is off), with
 * the replication `herald topics apply` would choose for this cluster. Existing topics are left as
 * they are.
 * @deprecated Provisioning belongs to `herald topics apply` (runTopicsCommand); a service checks
 * its topics with verifyTopics. Kept for the delivery runtime until it moves, and for tests'
 * throwaway topics.
 */
export async function ensureTopics(kafka: Kafka, specs: TopicSpec[] = topicSpecs()): Promise<string[]> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const existing = new Set(await admin.listTopics());
    const missing = specs.filter((s) => !existing.has(s.name));
    if (missing.length > 0) {
      const plan = { create: desiredTopics(missing, replicationSettings(await brokerCount(admin))), alterConfigs: [], addPartitions: [], blocked: [] };
      await applyTopicPlan(admin, plan);
    }
    return missing.map((s) => s.name);
  } finally {
    await admin.disconnect();
  }
}

/** Sum of (high watermark − committed offset) per partition for a group on a topic. */
export async function consumerLag(kafka: Kafka, groupId: string, topic: string): Promise<Map<number, number>> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const [ends, committed] = await Promise.all([
      admin.fetchTopicOffsets(topic),
      admin.fetchOffsets({ groupId, topics: [topic] }),
    ]);
    const done = new Map<number, number>();
    for (const p of committed[0]?.partitions ?? []) done.set(p.partition, Number(p.offset));
    const lag = new Map<number, number>();
    for (const e of ends) {
      const c = done.get(e.partition) ?? -1;
      const high = Number(e.high);
      lag.set(e.partition, c < 0 ? high - Number(e.low) : Math.max(0, high - c));
    }
    return lag;
  } finally {
    await admin.disconnect();
  }
}

/**
 * A topic's partition offsets, asked again (up to 10 times, 200 ms apart) while the broker answers a
 * retriable error: kafkajs does not retry `fetchTopicOffsets`, and a broker that has just created a
 * topic (or just started) answers NOT_LEADER_OR_FOLLOWER until it leads its partitions.
 */
export async function fetchTopicOffsetsRetrying(admin: Admin, topic: string): ReturnType<Admin['fetchTopicOffsets']> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await admin.fetchTopicOffsets(topic);
    } catch (err) {
      if (attempt >= 10 || (err as { retriable?: unknown }).retriable !== true) throw err;
      await new Promise((r) => setTimeout(r, 200));
    }
  }
}

/**
 * Commits a consumer group's offsets at the current end of each topic, so a new group starts with
 * what is produced from now on instead of replaying history (tests, benchmarks, fresh deployments
 * that must not re-send old notifications). The group must have no active members.
 *
 * Commits through a transaction's TxnOffsetCommit, which needs no group membership: kafkajs's
 * admin.setOffsets joins the group once per topic (seconds each).
 */
export async function setGroupOffsetsToEnd(kafka: Kafka, groupId: string, topics: string[]): Promise<Map<string, Map<number, number>>> {
  const admin = kafka.admin();
  const producer = kafka.producer({ transactionalId: `herald-set-offsets-${randomUUID()}`, idempotent: true, maxInFlightRequests: 1 });
  await Promise.all([admin.connect(), producer.connect()]);
  try {
    const out = new Map<string, Map<number, number>>();
    for (const topic of topics) {
      const ends = await fetchTopicOffsetsRetrying(admin, topic);
      out.set(topic, new Map(ends.map((e) => [e.partition, Number(e.high)])));
    }
    const tx = await producer.transaction();
    try {
      await tx.sendOffsets({
        consumerGroupId: groupId,
        topics: [...out].map(([topic, ends]) => ({ topic, partitions: [...ends].map(([partition, offset]) => ({ partition, offset: String(offset) })) })),
      });
      await tx.commit();
    } catch (err) {
      await tx.abort().catch(() => undefined);
      throw err;
    }
    return out;
  } finally {
    await Promise.all([admin.disconnect(), producer.disconnect()]);
  }
}
