import type { OutgoingMessage, RecordProducer } from '@herald/kafka';

interface Pending {
  /** When it was queued (ms, monotonic enough for lingering). */
  at: number;
  topic: string;
  message: OutgoingMessage;
  resolve: () => void;
  reject: (err: unknown) => void;
}

/** Default upper bound on how long a message waits for others to share its request. */
export const DEFAULT_LINGER_MS = 20;
/** Default number of messages per request. */
export const DEFAULT_MAX_BATCH = 500;

/**
 * Coalesces many small sends into one producer request (acks = all) at a time. A batch goes out
 * when its oldest message has waited `lingerMs` (counting the time a previous batch was in flight)
 * or when `maxBatch` messages are queued, as Kafka's own `linger.ms` does: a request costs the
 * client and the broker far more than a record in it (about 0.4 ms of client CPU per request
 * against 4 µs per record, measured with @platformatic/kafka here), so under load batches of a few
 * hundred beat sending whatever queued during the last flight. Each `send` resolves once its
 * message is durable, which is what lets the runtime commit the consumed offset after it; nothing
 * waits on it but the bookkeeping after an attempt (the attempt's slot is already free).
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
      this.queue.push({ at: Date.now(), topic, message, resolve, reject });
      this.schedule();
    });
  }

  /** Sends several messages; resolves when all are durable. */
  sendAll(messages: readonly { topic: string; message: OutgoingMessage }[]): Promise<void> {
    return Promise.all(messages.map((m) => this.send(m.topic, m.message))).then(() => undefined);
  }

  /** Messages waiting for a request (the watchdog logs it). */
  get queued(): number {
    return this.queue.length + (this.inFlight ? 1 : 0);
  }

  /** Resolves when everything queued so far has been sent (or failed). */
  async flush(): Promise<void> {
    while (this.queue.length > 0 || this.inFlight) {
      if (!this.inFlight) await this.drain();
      else await new Promise((r) => setTimeout(r, 5));
    }
  }

  private get maxBatch(): number {
    return this.opts.maxBatch ?? DEFAULT_MAX_BATCH;
  }

  /** Sends now if a full batch is queued, else when the oldest queued message has lingered enough. */
  private schedule(): void {
    if (this.inFlight || this.queue.length === 0) return;
    if (this.queue.length >= this.maxBatch) {
      void this.drain();
      return;
    }
    if (this.timer) return;
    const oldest = (this.queue[0] as Pending).at;
    const wait = Math.max(0, oldest + (this.opts.lingerMs ?? DEFAULT_LINGER_MS) - Date.now());
    this.timer = setTimeout(() => {
      this.timer = undefined;
      void this.drain();
    }, wait);
  }

  private async drain(): Promise<void> {
    if (this.inFlight || this.queue.length === 0) return;
    if (this.timer) {
      clearTimeout(this.timer);
      this.timer = undefined;
    }
    this.inFlight = true;
    const batch = this.queue.splice(0, this.maxBatch);
    try {
      await this.producer.send(batch.map((p) => ({ topic: p.topic, ...p.message })));
      for (const p of batch) p.resolve();
    } catch (err) {
      for (const p of batch) p.reject(err);
    } finally {
      this.inFlight = false;
      // What queued during the flight has waited already: it lingers only for the rest of its time.
      this.schedule();
    }
  }
}
