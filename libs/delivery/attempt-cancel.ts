import type { Cancellation } from '@herald/http-guard';

/**
 * The abort handle of one delivery attempt: aborted at its deadline (by the processor's sweep) or
 * when the runtime stops. One callback, no EventTarget: cheap enough to make one per attempt.
 * `signal` gives an AbortSignal to APIs that need one, created only when asked for.
 */
export class AttemptCancel implements Cancellation {
  aborted = false;
  reason: unknown = undefined;
  private callback: ((reason: unknown) => void) | undefined;
  private controller: AbortController | undefined;

  constructor(readonly deadline: number) {}

  onAbort(cb: ((reason: unknown) => void) | undefined): void {
    this.callback = cb;
  }

  abort(reason: unknown): void {
    if (this.aborted) return;
    this.aborted = true;
    this.reason = reason;
    const cb = this.callback;
    this.callback = undefined;
    cb?.(reason);
    this.controller?.abort(reason);
  }

  get signal(): AbortSignal {
    if (!this.controller) {
      this.controller = new AbortController();
      if (this.aborted) this.controller.abort(this.reason);
    }
    return this.controller.signal;
  }
}

/** The reason of an attempt aborted at its deadline. */
export function attemptTimeout(): DOMException {
  return new DOMException('the attempt timed out', 'TimeoutError');
}

/**
 * Attempts in flight, each aborted once past its deadline: one interval sweeps them all instead
 * of a timer per attempt (a deadline is honoured to within `resolutionMs`). The interval runs only
 * while something is in flight: at rest it costs nothing.
 */
export class DeadlineSweep {
  private readonly live = new Set<AttemptCancel>();
  private timer: NodeJS.Timeout | undefined;
  private stopped = false;

  constructor(private readonly resolutionMs = 25) {}

  add(c: AttemptCancel): void {
    this.live.add(c);
    if (!this.timer && !this.stopped) {
      this.timer = setInterval(() => this.sweep(Date.now()), this.resolutionMs);
      this.timer.unref();
    }
  }

  delete(c: AttemptCancel): void {
    this.live.delete(c);
    if (this.live.size === 0) this.stopTimer();
  }

  /** True while the sweep's interval is armed (something is in flight). */
  get armed(): boolean {
    return this.timer !== undefined;
  }

  sweep(now: number): void {
    for (const c of this.live) {
      if (c.deadline <= now) {
        this.live.delete(c);
        c.abort(attemptTimeout());
      }
    }
    if (this.live.size === 0) this.stopTimer();
  }

  /** Aborts everything in flight (the runtime stops) and stops sweeping. */
  abortAll(reason: unknown): void {
    this.stopped = true;
    this.stopTimer();
    for (const c of this.live) c.abort(reason);
    this.live.clear();
  }

  private stopTimer(): void {
    clearInterval(this.timer);
    this.timer = undefined;
  }
}
