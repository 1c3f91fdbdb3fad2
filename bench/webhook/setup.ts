import { randomBytes, randomUUID } from 'node:crypto';
import { createDeliveryJob, DELIVERY_JOB_SCHEMA, sampleEvent, SUBJECTS, type DeliveryJob, type SchemaRegistryCodec } from '@herald/events';
import { cachedKeyPartitioner, PARTITIONS, setGroupOffsetsToEnd, TOPICS, type Kafka, type Producer } from '@herald/kafka';
import type { NotificationDoc, NotificationStore, SubscriptionChangePublisher } from '@herald/subscriptions';

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Webhook notifications pointing at `url`, stored and published on the feed. */
export async function createHooks(store: NotificationStore, feed: SubscriptionChangePublisher, url: string, count: number, tag: string): Promise<NotificationDoc[]> {
  const docs: NotificationDoc[] = [];
  for (let i = 0; i < count; i++) {
    const n = await store.insert({
      uuid: randomUUID(),
      repository: `bench-${tag}/repo-${i}`,
      event: 'repo_push',
      method: 'webhook',
      config: { url: `${url}/n/${i}` },
      event_config: {},
      title: null,
      signing_secret: `whsec_${randomBytes(32).toString('base64')}`,
      created_by: 'bench',
    });
    await feed.upsert(n);
    docs.push(n);
  }
  return docs;
}

export function jobsFor(hooks: NotificationDoc[], n: number): DeliveryJob[] {
  return Array.from({ length: n }, (_, i) => {
    const h = hooks[i % hooks.length] as NotificationDoc;
    return createDeliveryJob({ event: sampleEvent('repo_push', { repository: h.repository, body: { updated_tags: [`t${i}`] } }), notificationUuid: h.uuid, method: 'webhook' });
  });
}

/**
 * Jobs spread evenly over the job topic's partitions (round-robin over partitions, then over the
 * hooks whose key lands there), so that how the hash spreads a few hundred keys does not decide how
 * evenly the work splits between consumers: the scaling figure measures the service, not the keys.
 */
export function balancedJobsFor(hooks: NotificationDoc[], n: number): DeliveryJob[] {
  const partitionOf = cachedKeyPartitioner();
  const meta = Array.from({ length: PARTITIONS.jobs }, (_, i) => ({ partitionId: i, leader: 0, replicas: [0], isr: [0], partitionErrorCode: 0, offlineReplicas: [] }));
  const byPartition: NotificationDoc[][] = meta.map(() => []);
  for (const h of hooks) byPartition[partitionOf({ topic: TOPICS.jobs('webhook'), partitionMetadata: meta, message: { key: h.uuid, value: null } })]?.push(h);
  const used = byPartition.filter((list) => list.length > 0);
  if (used.length < PARTITIONS.jobs) throw new Error(`hooks cover only ${used.length} of ${PARTITIONS.jobs} partitions; create more`);
  return Array.from({ length: n }, (_, i) => {
    const list = used[i % used.length] as NotificationDoc[];
    const h = list[Math.floor(i / used.length) % list.length] as NotificationDoc;
    return createDeliveryJob({ event: sampleEvent('repo_push', { repository: h.repository, body: { updated_tags: [`t${i}`] } }), notificationUuid: h.uuid, method: 'webhook' });
  });
}

/** Publishes jobs (created_at is set now, so job→receipt latency starts here). */
export async function publishJobs(producer: Producer, codec: SchemaRegistryCodec, jobs: DeliveryJob[]): Promise<void> {
  await codec.register(SUBJECTS.jobs('webhook'), DELIVERY_JOB_SCHEMA);
  for (let i = 0; i < jobs.length; i += 1_000) {
    const now = Date.now();
    const messages = jobs.slice(i, i + 1_000).map((j) => {
      j.created_at = now;
      return { key: j.notification_uuid, value: codec.encode(SUBJECTS.jobs('webhook'), j) };
    });
    await producer.send({ topic: TOPICS.jobs('webhook'), acks: -1, messages });
  }
}

/** Encodes jobs ahead of time, so that sending them costs the bench little CPU while the service runs. */
export async function encodeJobs(codec: SchemaRegistryCodec, jobs: DeliveryJob[]): Promise<{ key: string; value: Buffer }[]> {
  await codec.register(SUBJECTS.jobs('webhook'), DELIVERY_JOB_SCHEMA);
  return jobs.map((j) => ({ key: j.notification_uuid, value: codec.encode(SUBJECTS.jobs('webhook'), j) }));
}

export async function sendEncoded(producer: Producer, messages: { key: string; value: Buffer }[]): Promise<void> {
  for (let i = 0; i < messages.length; i += 2_000) {
    await producer.send({ topic: TOPICS.jobs('webhook'), acks: -1, messages: messages.slice(i, i + 2_000) });
  }
}

/** Commits the group's offsets at the end of the webhook job and retry topics (before its members join). */
export async function positionAtEnd(kafka: Kafka, groupId: string, levels: number): Promise<void> {
  await setGroupOffsetsToEnd(kafka, groupId, [TOPICS.jobs('webhook'), ...Array.from({ length: levels }, (_, i) => TOPICS.retry('webhook', i + 1))]);
}
