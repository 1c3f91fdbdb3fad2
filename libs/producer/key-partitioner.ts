/**
 * Kafka's default partitioning of keyed messages (Java client, kafkajs DefaultPartitioner):
 * murmur2 of the key bytes, made positive, modulo the partition count. Herald computes it itself so
 * the publisher knows which partition each event went to (kafkajs reports offsets per partition
 * only), while staying on the partitions any other Kafka producer would pick for the same key.
 */
const SEED = 0x9747b28c;
const M = 0x5bd1e995;

/** Kafka's murmur2 (32-bit, signed result), as in `org.apache.kafka.common.utils.Utils.murmur2`. */
export function murmur2(data: Buffer): number {
  const length = data.length;
  let h = SEED ^ length;
  const blocks = length >> 2;
  for (let i = 0; i < blocks; i++) {
    let k = data.readInt32LE(i * 4);
    k = Math.imul(k, M);
    k ^= k >>> 24;
    k = Math.imul(k, M);
    h = Math.imul(h, M) ^ k;
  }
  const tail = blocks * 4;
  switch (length & 3) {
    case 3:
      h ^= (data[tail + 2] ?? 0) << 16;
    // falls through
    case 2:
      h ^= (data[tail + 1] ?? 0) << 8;
    // falls through
    case 1:
      h ^= data[tail] ?? 0;
      h = Math.imul(h, M);
  }
  h ^= h >>> 13;
  h = Math.imul(h, M);
  h ^= h >>> 15;
  return h | 0;
}

/** The partition Kafka's default partitioner picks for `key`. */
export function partitionForKey(key: string | Buffer, partitions: number): number {
  const bytes = typeof key === 'string' ? Buffer.from(key, 'utf8') : key;
  return (murmur2(bytes) & 0x7fffffff) % partitions;
}
