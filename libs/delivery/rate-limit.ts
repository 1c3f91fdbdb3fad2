/**
 * A token bucket of `ratePerSecond` tokens a second holding at most `burst`. It starts full. The
 * burst is kept small (a tenth of a second's worth, at least two tokens) so that no second sees
 * much more than the rate, while a pump that comes late (a busy event loop) does not lose the
 * time: with one token only, every late wake-up was lost for good (0.85 of the rate under load).
 */
export class TokenBucket {
  readonly burst: number;
  private tokens: number;
  private at: number;

  constructor(
    readonly ratePerSecond: number,
    now: number,
  ) {
    this.burst = Math.max(2, ratePerSecond / 10);
    this.tokens = this.burst;
    this.at = now;
  }

  /** 0 when a token can be taken at `now`, else the epoch ms when the next one will be there. */
  waitUntil(now: number): number {
    this.refill(now);
    if (this.tokens >= 1) return 0;
    return now + Math.ceil(((1 - this.tokens) * 1000) / this.ratePerSecond);
  }

  /** Takes a token (call after waitUntil said 0). */
  take(now: number): void {
    this.refill(now);
    this.tokens -= 1;
  }

  /** True when the bucket is full at `now`: forgetting it changes nothing. */
  isFull(now: number): boolean {
    this.refill(now);
    return this.tokens >= this.burst;
  }

  private refill(now: number): void {
    if (now <= this.at) return;
    this.tokens = Math.min(this.burst, this.tokens + ((now - this.at) * this.ratePerSecond) / 1000);
    this.at = now;
  }
}

/** Buckets more than this are swept of the full ones (they are recreated full when used again). */
const SWEEP_AT = 10_000;

/**
 * Token buckets by key (a notification, a destination), each with its own rate. A key's bucket is
 * replaced when its rate changes (an edited notification). Bounded: past SWEEP_AT keys the full
 * buckets are forgotten.
 */
export class RateLimits {
  private readonly buckets = new Map<string, TokenBucket>();

  /** The key's bucket at `ratePerSecond`. */
  bucket(key: string, ratePerSecond: number, now: number): TokenBucket {
    let b = this.buckets.get(key);
    if (!b || b.ratePerSecond !== ratePerSecond) {
      if (this.buckets.size >= SWEEP_AT) this.sweep(now);
      this.buckets.set(key, (b = new TokenBucket(ratePerSecond, now)));
    }
    return b;
  }

  get size(): number {
    return this.buckets.size;
  }

  private sweep(now: number): void {
    for (const [key, b] of this.buckets) if (b.isFull(now)) this.buckets.delete(key);
  }
}
