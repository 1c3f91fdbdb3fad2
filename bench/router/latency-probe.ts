import { randomUUID } from 'node:crypto';
import { DELIVERY_JOB_SCHEMA, type SchemaRegistryCodec } from '@herald/events';
import { TOPICS, type Consumer, type Kafka } from '@herald/kafka';

/** Reads new jobs (read_committed) for a set of notifications and records when each event's job arrived. */
export class LatencyProbe {
  private consumer: Consumer | undefined;
  private readonly arrivedAt = new Map<string, number>();

  constructor(
    private readonly kafka: Kafka,
    private readonly codec: SchemaRegistryCodec,
    private readonly uuids: Set<string>,
  ) {}

  async start(): Promise<void> {
    const consumer = this.kafka.consumer({ groupId: `herald-bench-probe-${randomUUID()}`, maxWaitTimeInMs: 10 });
    this.consumer = consumer;
    let joined!: () => void;
    const isJoined = new Promise<void>((r) => (joined = r));
    consumer.on(consumer.events.GROUP_JOIN, () => joined());
    await consumer.connect();
    await consumer.subscribe({ topic: TOPICS.jobs('webhook'), fromBeginning: false });
    await consumer.run({
      autoCommit: false,
      eachMessage: async ({ message }) => {
        const now = Date.now();
        if (!this.uuids.has(message.key?.toString() ?? '')) return;
        const job = await this.codec.decode(message.value, DELIVERY_JOB_SCHEMA);
        this.arrivedAt.set(job.event.event_id, now);
      },
    });
    await isJoined;
  }

  /** Latencies (ms) of the sent events, waiting up to `timeoutMs` for the last ones. */
  async collect(sentAt: Map<string, number>, timeoutMs: number): Promise<number[]> {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline && [...sentAt.keys()].some((id) => !this.arrivedAt.has(id))) {
      await new Promise((r) => setTimeout(r, 200));
    }
    return [...sentAt].flatMap(([id, sent]) => {
      const at = this.arrivedAt.get(id);
      return at === undefined ? [] : [at - sent];
    });
  }

  async stop(): Promise<void> {
    await this.consumer?.disconnect();
  }
}
