/**
 * A cheap abort handle for one request: an attempt's timeout or a shutdown aborts it. Unlike an
 * AbortController (an EventTarget, with a listener added and removed per request), it holds one
 * callback, which matters at thousands of deliveries a second.
 */
export interface Cancellation {
  readonly aborted: boolean;
  /** Why it was aborted (an Error whose name is `TimeoutError` for a timeout). */
  readonly reason: unknown;
  /** Sets the one callback run on abort (replacing an earlier one); `undefined` clears it. */
  onAbort(cb: ((reason: unknown) => void) | undefined): void;
}

/** True when `c` was aborted by its timeout. */
export function timedOut(c: Pick<Cancellation, 'aborted' | 'reason'> | undefined): boolean {
  return c?.aborted === true && (c.reason as { name?: string } | null)?.name === 'TimeoutError';
}
