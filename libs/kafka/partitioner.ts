import type { ICustomPartitioner } from 'kafkajs';

// Herald's one partitioner, shared by both Kafka clients: the router's transactional producer
// (kafkajs) and the delivery services' record producer (@platformatic/kafka) put a key where the
// Java client's default partitioner does, so a job keyed by notification uuid lands on the same
// partition whoever writes it, and partitions agree with Java and Go producers of the same topics.

const SEED = 0x9747b28c;
const M = 0x5bd1e995;
const POSITIVE = 0x7fffffff;

/** Kafka's murmur2 (org.apache.kafka.common.utils.Utils.murmur2): a signed 32-bit hash of the bytes. */
export function murmur2(data: Uint8Array): number {
  const length = data.length;
  let h = (SEED ^ length) | 0;
  const whole = length & ~3;
  for (let i = 0; i < whole; i += 4) {
    let k = data[i]! | (data[i + 1]! << 8) | (data[i + 2]! << 16) | (data[i + 3]! << 24);
    k = Math.imul(k, M);
    k ^= k >>> 24;
    k = Math.imul(k, M);
    h = Math.imul(h, M) ^ k;
  }
  switch (length & 3) {
    case 3:
      h ^= data[whole + 2]! << 16;
    // falls through
    case 2:
      h ^= data[whole + 1]! << 8;
    // falls through
    case 1:
      h ^= data[whole]!;
      h = Math.imul(h, M);
  }
  h ^= h >>> 13;
  h = Math.imul(h, M);
  h ^= h >>> 15;
  return h | 0;
}

/** The key's partition hash as the Java client computes it: murmur2 of its UTF-8 bytes, made positive. */
export function keyHash(key: string | Uint8Array): number {
  return murmur2(typeof key === 'string' ? Buffer.from(key, 'utf8') : key) & POSITIVE;
}

/** The partition of a key among `partitions` (Java's default partitioner for keyed records). */
export function partitionForKey(key: string | Uint8Array, partitions: number): number {
  return keyHash(key) % partitions;
}

/**
 * The partitioner for kafkajs producers: partitionForKey, remembering each string key's hash (Herald
 * keys by notification uuid or repository, a few thousand keys sent over and over). A message with a
 * partition keeps it; one without a key goes round robin over the partitions.
 */
export const cachedKeyPartitioner: ICustomPartitioner = () => {
  const known = new Map<string, number>();
  let next = 0;
  return ({ message, partitionMetadata }) => {
    if (message.partition !== null && message.partition !== undefined) return message.partition;
    const partitions = partitionMetadata.length;
    const { key } = message;
    if (key === null || key === undefined) return next++ % partitions;
    if (typeof key !== 'string') return partitionForKey(key, partitions);
    let hash = known.get(key);
    if (hash === undefined) {
      if (known.size >= 100_000) known.clear();
      known.set(key, (hash = keyHash(key)));
    }
    return hash % partitions;
  };
};
