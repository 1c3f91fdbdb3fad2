import { TooManyRequestsError } from './http-errors.js';

export interface FloodGuardOptions {
  ratePerSecond: number;
  burst: number;
  maxInFlight: number;
  now?: () => number;
}

/**
 * Keeps one registry from flooding the service: a token bucket per registry (ratePerSecond,
 * burst) and a bound on requests being published at once. Refusals are 429 with Retry-After;
 * Distribution and Harbor retry with back-off, so nothing is lost.
 */
export class FloodGuard {
  private readonly buckets = new Map<string, { tokens: number; at: number }>();
  private inFlight = 0;
  private readonly now: () => number;

  constructor(private readonly o: FloodGuardOptions) {
    this.now = o.now ?? Date.now;
  }

  /** Takes a slot for `registry`; call the returned function when the request is done. */
  enter(registry: string): () => void {
    const now = this.now();
    let b = this.buckets.get(registry);
    if (!b) this.buckets.set(registry, (b = { tokens: this.o.burst, at: now }));
    b.tokens = Math.min(this.o.burst, b.tokens + ((now - b.at) / 1000) * this.o.ratePerSecond);
    b.at = now;
    if (b.tokens < 1) throw new TooManyRequestsError(`registry ${registry} is over ${this.o.ratePerSecond} requests per second`, (1 - b.tokens) / this.o.ratePerSecond);
    if (this.inFlight >= this.o.maxInFlight) throw new TooManyRequestsError(`${this.o.maxInFlight} requests are being published already`, 1);
    b.tokens -= 1;
    this.inFlight += 1;
    let left = false;
    return () => {
      if (left) return;
      left = true;
      this.inFlight -= 1;
    };
  }
}
