import { BatchingProducer } from '@herald/delivery';
import type { OutgoingMessage, RecordProducer } from '@herald/kafka';

/**
 * The edge's publishing: several idempotent producers ("lanes"), each sending one produce request
 * at a time with whatever queued during its previous one. A registry's 202 waits for Kafka's ack,
 * so with one request in flight the edge accepts at most (requests queued) / (produce latency): on
 * a loaded broker, 10-40 ms here. Lanes put more requests in flight without giving up the
 * idempotent producer's ordering rule (one producer id per lane, its requests in order). But a
 * produce request costs far more client CPU than a record in it (BatchingProducer), so a lane is
 * only used when the ones before it have `fill` records waiting: a light load stays on one lane in
 * few requests. Records of one registry request go out together. Concurrent requests may land in
 * either order, as they may reach the service in either order; a request sent after another's 202
 * is after it in its partition.
 */
export class ProducerLanes {
  private readonly lanes: BatchingProducer[];

  constructor(
    private readonly producers: readonly RecordProducer[],
    private readonly fill = 64,
  ) {
    if (producers.length === 0) throw new Error('ProducerLanes needs at least one producer');
    // What arrives while a lane's request is in flight goes out in its next one, at once.
    this.lanes = producers.map((p) => new BatchingProducer(p, { lingerMs: 0 }));
  }

  /** Resolves once every message is durable (acks = all); rejects when any is not. */
  sendAll(messages: readonly { topic: string; message: OutgoingMessage }[]): Promise<void> {
    let lane = this.lanes[0] as BatchingProducer;
    for (const l of this.lanes) {
      if (l.queued < this.fill) {
        lane = l;
        break;
      }
      if (l.queued < lane.queued) lane = l;
    }
    return lane.sendAll(messages);
  }

  async connect(topics: readonly string[]): Promise<void> {
    await Promise.all(this.producers.map((p) => p.connect(topics)));
  }

  async close(): Promise<void> {
    await Promise.all(this.lanes.map((l) => l.flush()));
    await Promise.all(this.producers.map((p) => p.close()));
  }
}
