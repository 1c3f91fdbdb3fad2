import { Consumer, FetchIsolationLevels, MessagesStreamModes, Producer, type Message } from '@platformatic/kafka';

// A measuring instrument, not used by any service: the router's exactly-once strategy (consume →
// produce → commit the consumed offsets in the same transaction) as a bare copy on @platformatic/kafka,
// so `bench:router` can compare the two clients on the same events (BENCH_BASELINE_MODE=
// eos-platformatic). It has what the client offers: a consumer stream, transactions whose offset
// commits carry the group generation and member id (KIP-447). One transaction per `maxMessages`
// consumed or per 10 ms without more; one TxnOffsetCommit per partition, one after the other (the
// client takes one message per offset commit and merges concurrent ones).

export interface PlatformaticCopyPipeOptions {
  brokers: string[];
  groupId: string;
  topic: string;
  sink: string;
  transactionalId: string;
  maxMessages: number;
  onError: (err: unknown) => void;
}

export async function startPlatformaticCopyPipe(opts: PlatformaticCopyPipeOptions): Promise<{ stop(): Promise<void> }> {
  const clientId = 'herald-platformatic-copy';
  const consumer = new Consumer({ clientId, bootstrapBrokers: opts.brokers, groupId: opts.groupId, sessionTimeout: 10_000, heartbeatInterval: 3_000 });
  const producer = new Producer({ clientId, bootstrapBrokers: opts.brokers, idempotent: true, transactionalId: opts.transactionalId, acks: -1 });
  const stream = await consumer.consume({
    topics: [opts.topic],
    mode: MessagesStreamModes.COMMITTED,
    fallbackMode: 'earliest',
    autocommit: false,
    isolationLevel: FetchIsolationLevels.READ_COMMITTED,
    maxWaitTime: 500,
    maxBytesPerPartition: 512 * 1024,
  });
  let buffer: Message[] = [];
  let chain = Promise.resolve();
  const commit = async (batch: Message[]) => {
    const tx = await producer.beginTransaction();
    await tx.send({ messages: batch.map((m) => ({ topic: opts.sink, key: m.key, value: m.value })) });
    await tx.addConsumer(consumer);
    const last = new Map<number, Message>();
    for (const m of batch) last.set(m.partition, m);
    for (const m of last.values()) await tx.addOffset(m);
    await tx.commit();
  };
  const flush = () => {
    const batch = buffer;
    buffer = [];
    chain = chain.then(() => (batch.length > 0 ? commit(batch) : undefined)).catch(opts.onError);
    return chain;
  };
  let idle: NodeJS.Timeout | undefined;
  const loop = (async () => {
    for await (const message of stream) {
      buffer.push(message as Message);
      clearTimeout(idle);
      if (buffer.length >= opts.maxMessages) await flush();
      else idle = setTimeout(() => void flush(), 10);
    }
  })().catch(opts.onError);
  return {
    async stop() {
      clearTimeout(idle);
      await stream.close();
      await loop;
      await flush();
      await consumer.close();
      await producer.close();
    },
  };
}
