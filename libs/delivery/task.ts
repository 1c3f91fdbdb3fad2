import type { Admission } from './circuit-breaker.js';

/** Thrown when work is given up because the runtime is stopping; its offset stays uncommitted. */
export class Abandoned extends Error {
  constructor(what: string) {
    super(`abandoned while stopping: ${what}`);
    this.name = 'Abandoned';
  }
}

/** What one consumed message needs, decided after decoding it and looking up its notification. */
export interface Task {
  /** The notification uuid (the message key). */
  key: string;
  /** Epoch ms before which the attempt must not start (retry topics); 0 = at once. */
  dueAt: number;
  /** True when it makes a delivery attempt (takes a slot); false for drops and bad input. */
  attempt: boolean;
  /** `host:port` the attempt goes to (its circuit breaker and destination rate limit); absent when none. */
  destination?: string | undefined;
  /** The notification's own limit in requests per second (its config's `rate_limit`). */
  rateLimit?: number | undefined;
  /**
   * Does the work and resolves once its outcome is durable (produced with acks = all), so the
   * offset may be committed. Calls `release` as soon as the slot is no longer needed. Rejects only
   * with Abandoned. An attempt let out by endpoint protection gets its `admission`, settled with
   * what the attempt said of the destination.
   */
  run(release: () => void, admission?: Admission): Promise<void>;
}
