import { isRetriable } from '@herald/errors';
import { CircuitBreakers, type Admission, type AttemptOutcome, type CircuitBreakerOptions } from './circuit-breaker.js';
import { DeliveryError } from './delivery-error.js';
import { isInfrastructureFailure } from './infrastructure-failure.js';
import { RateLimits } from './rate-limit.js';

/** Why a job waits before its attempt (a metric label). */
export type WaitReason = 'breaker_open' | 'notification_rate_limit' | 'destination_rate_limit';

/** What protection needs to know of a job, decided when it is prepared. */
export interface ProtectedTarget {
  /** The notification uuid. */
  key: string;
  /** `host:port` the attempt goes to; undefined for methods without one (in-app). */
  destination?: string;
  /** The notification's own limit in requests per second (its config's `rate_limit`). */
  rateLimit?: number;
}

export interface EndpointProtectionOptions {
  /** Requests per second to one destination over all notifications; 0 = no limit. */
  destinationRatePerSecond: number;
  /** Circuit breakers per destination; undefined = none. */
  breaker?: CircuitBreakerOptions;
  clock?: () => number;
}

const NOTHING_TO_SETTLE: Admission = { settle() {} };

/**
 * The gate in front of every attempt: the destination's circuit breaker, the notification's rate
 * limit and the destination's rate limit. `admit` either lets the attempt go (taking the tokens,
 * claiming the probe) or says when to ask again; nothing is taken from one limit while another
 * makes the job wait.
 */
export class EndpointProtection {
  readonly breakers: CircuitBreakers | undefined;
  private readonly notificationLimits = new RateLimits();
  private readonly destinationLimits = new RateLimits();
  /** Why the last `admit` that said "wait" said so. */
  lastWaitReason: WaitReason = 'breaker_open';
  /**
   * Bumped when waiting jobs may go before the time they were given (a breaker closed, a probe
   * came back without a verdict): a waiting queue asks again when this moved.
   */
  generation = 0;

  constructor(private readonly o: EndpointProtectionOptions) {
    const b = o.breaker;
    this.breakers = b
      ? new CircuitBreakers({
          ...b,
          ...(o.clock ? { clock: o.clock } : {}),
          onWake: () => {
            this.generation++;
            b.onWake?.();
          },
        })
      : undefined;
  }

  /** An admission (attempt now, settle it with the outcome), or the epoch ms at which to ask again. */
  admit(t: ProtectedTarget, now: number): Admission | number {
    const dest = t.destination;
    const breaker = dest !== undefined && this.breakers ? this.breakers.check(dest, now) : 0;
    if (typeof breaker === 'number' && breaker > 0) return this.wait('breaker_open', breaker);
    const own = t.rateLimit ? this.notificationLimits.bucket(t.key, t.rateLimit, now) : undefined;
    const ownWait = own ? own.waitUntil(now) : 0;
    const shared = dest !== undefined && this.o.destinationRatePerSecond > 0 ? this.destinationLimits.bucket(dest, this.o.destinationRatePerSecond, now) : undefined;
    const sharedWait = shared ? shared.waitUntil(now) : 0;
    if (ownWait > 0 || sharedWait > 0) return this.wait(ownWait >= sharedWait ? 'notification_rate_limit' : 'destination_rate_limit', Math.max(ownWait, sharedWait));
    own?.take(now);
    shared?.take(now);
    return dest !== undefined && this.breakers ? this.breakers.admit(dest, now) : NOTHING_TO_SETTLE;
  }

  private wait(reason: WaitReason, until: number): number {
    this.lastWaitReason = reason;
    return until;
  }
}

/**
 * What an attempt's result says of its destination: it answered (success, or a permanent HTTP
 * status such as 404 or 410), it failed (a retriable failure: connection, timeout, 5xx, 429), or
 * nothing (the attempt never reached it: a MongoDB outage inside the sender, a config error).
 */
export function attemptOutcomeOf(error: unknown): AttemptOutcome {
  if (error === undefined) return 'success';
  if (isInfrastructureFailure(error)) return 'neutral';
  if (isRetriable(error)) return 'failure';
  return error instanceof DeliveryError && error.statusCode !== undefined ? 'success' : 'neutral';
}
