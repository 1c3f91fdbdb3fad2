/**
 * Delivery slots of one process: at most `max` attempts in flight, and at most `maxPerKey` for one
 * notification, so one slow or hanging endpoint can hold only a few slots however many of its jobs
 * are queued, and the rest keep flowing to healthy endpoints.
 */
export class SlotPool {
  private used = 0;
  private readonly perKey = new Map<string, number>();

  constructor(
    readonly max: number,
    readonly maxPerKey: number,
  ) {}

  get inFlight(): number {
    return this.used;
  }

  get full(): boolean {
    return this.used >= this.max;
  }

  tryAcquire(key: string): boolean {
    if (this.used >= this.max) return false;
    const n = this.perKey.get(key) ?? 0;
    if (n >= this.maxPerKey) return false;
    this.used++;
    this.perKey.set(key, n + 1);
    return true;
  }

  release(key: string): void {
    const n = this.perKey.get(key) ?? 0;
    if (n <= 1) this.perKey.delete(key);
    else this.perKey.set(key, n - 1);
    this.used = Math.max(0, this.used - 1);
  }
}
