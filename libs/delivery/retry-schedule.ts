import { DEFAULT_RETRY_DELAYS_MS } from '@herald/kafka';

/** Where a failed attempt goes next: a retry level (1-based) with its due time, or the dead-letter topic. */
export type RetryStep = { kind: 'retry'; level: number; delayMs: number } | { kind: 'exhausted' };

/**
 * The retry schedule: one fixed delay per retry topic (level n = `notifications.<method>.retry.<n>`).
 * A Retry-After longer than the next level's delay moves the job to the first level whose delay
 * covers it, so a long Retry-After never holds up the short-delay topics (their partitions wait for
 * their head message). Retry-After beyond the longest delay is bounded by it.
 */
export class RetrySchedule {
  readonly delaysMs: readonly number[];

  constructor(delaysMs: readonly number[] = DEFAULT_RETRY_DELAYS_MS) {
    if (delaysMs.length === 0 || delaysMs.some((d) => !Number.isInteger(d) || d < 0)) {
      throw new Error('retry delays must be a non-empty list of non-negative integers (ms)');
    }
    this.delaysMs = [...delaysMs];
  }

  get levels(): number {
    return this.delaysMs.length;
  }

  get maxDelayMs(): number {
    return Math.max(...this.delaysMs);
  }

  /** The delay of level n (1-based). */
  delayOf(level: number): number {
    return this.delaysMs[level - 1] ?? this.maxDelayMs;
  }

  /** The step after a retriable failure of an attempt read from `currentLevel` (0 = the job topic). */
  next(currentLevel: number, retryAfterMs?: number): RetryStep {
    let level = currentLevel + 1;
    if (level > this.levels) return { kind: 'exhausted' };
    if (retryAfterMs !== undefined && retryAfterMs > this.delayOf(level)) {
      const wanted = Math.min(retryAfterMs, this.maxDelayMs);
      while (level < this.levels && this.delayOf(level) < wanted) level++;
    }
    return { kind: 'retry', level, delayMs: this.delayOf(level) };
  }
}
