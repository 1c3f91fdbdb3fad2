import { randomUUID } from 'node:crypto';
import { HeraldError } from '@herald/errors';
import { DELIVERY_JOB_SCHEMA, SUBJECTS, type SchemaRegistryCodec } from '@herald/events';
import { HEADERS, partitionForKey, TOPICS, type DeliveryMethod, type Kafka, type KafkaMessage, type Message } from '@herald/kafka';
import type { Logger } from '@herald/logger';
import type { Db } from '@herald/mongo';
import { RedriveClaims } from './redrive-claims.js';

export interface RedriveOptions {
  kafka: Kafka;
  codec: SchemaRegistryCodec;
  db: Db;
  method: DeliveryMethod;
  notificationUuid: string;
  logger?: Logger;
  /** Give up reading the dead-letter partition after this long (default 30 s). */
  timeoutMs?: number;
}

export interface RedriveResult {
  /** Dead-lettered messages of this notification found. */
  found: number;
  /** Re-published to the job topic now. */
  redriven: number;
  /** Skipped: re-driven before (or being re-driven by a concurrent request). */
  alreadyRedriven: number;
  /** Skipped: not decodable as a delivery job. */
  undecodable: number;
  /** Delivery ids re-published. */
  deliveryIds: string[];
}

/** Header on a re-driven job: the dead-letter message it came from (`<topic>/<partition>/<offset>`). */
export const REDRIVEN_FROM_HEADER = 'herald-redriven-from';

/**
 * Re-drives a notification's dead-lettered jobs (SPEC §4, for the config API's admin route): reads
 * `notifications.<method>.dlq` up to its current end on the partition of the notification's key,
 * and re-publishes each of its jobs to `notifications.<method>` with `attempt` reset to 0 (same
 * delivery id, so receivers can still de-duplicate). Each dead-lettered message is re-driven at
 * most once (claims in MongoDB `delivery_redrives`). The notification should be enabled first
 * (reset), or the delivery service drops the jobs again.
 */
export async function redriveDeadLetters(o: RedriveOptions): Promise<RedriveResult> {
  const topic = TOPICS.dlq(o.method);
  const result: RedriveResult = { found: 0, redriven: 0, alreadyRedriven: 0, undecodable: 0, deliveryIds: [] };
  const admin = o.kafka.admin();
  await admin.connect();
  let range: { partition: number; low: bigint; high: bigint } | undefined;
  try {
    const offsets = await admin.fetchTopicOffsets(topic);
    const partition = partitionForKey(o.notificationUuid, offsets.length);
    const p = offsets.find((x) => x.partition === partition);
    if (p) range = { partition, low: BigInt(p.low), high: BigInt(p.high) };
  } finally {
    await admin.disconnect();
  }
  if (!range || range.high <= range.low) return result;

  const messages = (await readPartition(o.kafka, topic, range, o.timeoutMs ?? 30_000)).filter((m) => m.key?.toString() === o.notificationUuid);
  result.found = messages.length;
  if (messages.length === 0) return result;

  const claims = new RedriveClaims(o.db);
  const subject = SUBJECTS.jobs(o.method);
  await o.codec.register(subject, DELIVERY_JOB_SCHEMA);
  const out: Message[] = [];
  const claimed: string[] = [];
  for (const m of messages) {
    const id = `${topic}/${range.partition}/${m.offset}`;
    const decoded = await o.codec.safeDecode(m.value, DELIVERY_JOB_SCHEMA);
    if (!decoded.ok) {
      result.undecodable++;
      continue;
    }
    if (!(await claims.claim(id, o.notificationUuid))) {
      result.alreadyRedriven++;
      continue;
    }
    claimed.push(id);
    result.deliveryIds.push(decoded.value.delivery_id);
    out.push({
      key: o.notificationUuid,
      value: o.codec.encode(subject, { ...decoded.value, attempt: 0 }),
      headers: { [REDRIVEN_FROM_HEADER]: id, [HEADERS.sourceTopic]: topic, [HEADERS.sourcePartition]: String(range.partition), [HEADERS.sourceOffset]: m.offset },
    });
  }
  if (out.length === 0) return result;
  const producer = o.kafka.producer({ idempotent: true, maxInFlightRequests: 1, allowAutoTopicCreation: false });
  try {
    await producer.connect();
    await producer.send({ topic: TOPICS.jobs(o.method), acks: -1, messages: out });
  } catch (err) {
    await claims.release(claimed).catch(() => undefined);
    throw new HeraldError('REDRIVE_FAILED', `could not re-publish ${out.length} dead-lettered jobs`, { retriable: true, cause: err });
  } finally {
    await producer.disconnect().catch(() => undefined);
  }
  await claims.complete(claimed);
  result.redriven = out.length;
  o.logger?.info({ notificationUuid: o.notificationUuid, method: o.method, redriven: result.redriven, alreadyRedriven: result.alreadyRedriven }, 'dead letters re-driven');
  return result;
}

/** Reads one partition from `low` up to (not including) `high` with a throwaway consumer group. */
async function readPartition(kafka: Kafka, topic: string, range: { partition: number; low: bigint; high: bigint }, timeoutMs: number): Promise<KafkaMessage[]> {
  const groupId = `herald-redrive-${randomUUID()}`;
  const consumer = kafka.consumer({ groupId, maxWaitTimeInMs: 100, readUncommitted: false, allowAutoTopicCreation: false });
  const found: KafkaMessage[] = [];
  let finish!: () => void;
  const done = new Promise<void>((resolve) => (finish = resolve));
  await consumer.connect();
  try {
    await consumer.subscribe({ topic, fromBeginning: true });
    await consumer.run({
      autoCommit: false,
      eachBatch: async ({ batch, pause }) => {
        if (batch.partition !== range.partition) {
          pause();
          return;
        }
        for (const m of batch.messages) if (BigInt(m.offset) < range.high) found.push(m);
        if (BigInt(batch.lastOffset()) + 1n >= range.high) finish();
      },
    });
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new HeraldError('REDRIVE_TIMEOUT', `reading ${topic} took longer than ${timeoutMs} ms`, { retriable: true })), timeoutMs);
    });
    await Promise.race([done, timeout]).finally(() => clearTimeout(timer));
    return found;
  } finally {
    await consumer.disconnect().catch(() => undefined);
    const admin = kafka.admin();
    await admin
      .connect()
      .then(() => admin.deleteGroups([groupId]))
      .catch(() => undefined)
      .finally(() => admin.disconnect().catch(() => undefined));
  }
}
