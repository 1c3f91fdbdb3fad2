import type { OutgoingMessage, RecordProducer } from '@herald/kafka';

interface Pending {
  topic: string;
  message: OutgoingMessage;
  resolve: () => void;
  reject: (err: unknown) => void;
}

/**
 * Coalesces many small sends into one producer request (acks = all) at a time: whatever queues
 * while a batch is in flight goes out in the next one, so batches grow with load and a lone message
 * waits at most `lingerMs`. Each `send` resolves once its message is durable, which is what lets the
 * runtime commit the consumed offset after it.
 */
export class BatchingProducer {
  private queue: Pending[] = [];
  private inFlight = false;
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly producer: RecordProducer,
    private readonly opts: { lingerMs?: number; maxBatch?: number } = {},
  ) {}

  send(topic: string, message: OutgoingMessage): Promise<void> {
    return new Promise((resolve, reject) => {
      this.queue.push({ topic, message, resolve, reject });
      this.schedule();
    });
  }

  /** Sends several messages; resolves when all are durable. */
  sendAll(messages: readonly { topic: string; message: OutgoingMessage }[]): Promise<void> {
    return Promise.all(messages.map((m) => this.send(m.topic, m.message))).then(() => undefined);
  }

  /** Resolves when everything queued so far has been sent (or failed). */
  async flush(): Promise<void> {
    while (this.queue.length > 0 || this.inFlight) {
      if (!this.inFlight) await this.drain();
      else await new Promise((r) => setTimeout(r, 5));
    }
  }

  private schedule(): void {
    if (this.inFlight || this.timer) return;
    if (this.queue.length >= (this.opts.maxBatch ?? 500)) {
      void this.drain();
      return;
    }
    this.timer = setTimeout(() => {
      this.timer = undefined;
      void this.drain();
    }, this.opts.lingerMs ?? 10);
  }

  private async drain(): Promise<void> {
    if (this.inFlight || this.queue.length === 0) return;
    if (this.timer) {
      clearTimeout(this.timer);
      this.timer = undefined;
    }
    this.inFlight = true;
    const batch = this.queue.splice(0, this.opts.maxBatch ?? 500);
    try {
      await this.producer.send(batch.map((p) => ({ topic: p.topic, ...p.message })));
      for (const p of batch) p.resolve();
    } catch (err) {
      for (const p of batch) p.reject(err);
    } finally {
      this.inFlight = false;
      // What queued during the flight goes out at once: it has already waited.
      if (this.queue.length > 0) setImmediate(() => void this.drain());
    }
  }
}
