import type { Kafka } from 'kafkajs';
import { topicSpecs, type TopicSpec } from './topics.js';

/**
 * Creates the given topics if missing (explicit partitions and retention; auto-create is off).
 * Existing topics are left as they are.
 */
export async function ensureTopics(kafka: Kafka, specs: TopicSpec[] = topicSpecs()): Promise<string[]> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const existing = new Set(await admin.listTopics());
    const missing = specs.filter((s) => !existing.has(s.name));
    if (missing.length > 0) {
      await admin.createTopics({
        waitForLeaders: true,
        topics: missing.map((s) => ({
          topic: s.name,
          numPartitions: s.partitions,
          replicationFactor: 1,
          configEntries: Object.entries(s.config).map(([name, value]) => ({ name, value })),
        })),
      });
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
