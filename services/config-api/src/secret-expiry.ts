import type { Logger } from '@herald/logger';
import type { NotificationStore } from '@herald/subscriptions';

/** How often every notification is checked for an overlap that ended unseen (another replica's rotation, a restart). */
const SWEEP_INTERVAL_MS = 3_600_000;
/** setTimeout's longest delay; a later expiry is left to the sweep. */
const MAX_TIMER_MS = 2_147_483_647;

/**
 * Removes a rotated-out signing secret from MongoDB when its overlap ends: a timer per rotation made
 * here, and a sweep at start and hourly for the rest. Delivery stops signing with it at the stored
 * expiry whether or not it was removed yet (services/delivery-webhook signingSecrets).
 */
export class SecretExpiry {
  private readonly timers = new Map<string, NodeJS.Timeout>();
  private sweeper: NodeJS.Timeout | undefined;

  constructor(
    private readonly store: () => NotificationStore,
    private readonly logger: Logger,
  ) {}

  start(): void {
    this.sweep();
    this.sweeper = setInterval(() => this.sweep(), SWEEP_INTERVAL_MS).unref();
  }

  schedule(uuid: string, at: Date): void {
    clearTimeout(this.timers.get(uuid));
    const delay = at.getTime() - Date.now();
    if (delay > MAX_TIMER_MS) return;
    const timer = setTimeout(() => {
      this.timers.delete(uuid);
      this.store()
        .dropExpiredPreviousSecret(uuid)
        .catch((err: unknown) => this.logger.warn({ err, notificationUuid: uuid }, 'previous signing secret not removed; the sweep retries'));
    }, Math.max(0, delay)).unref();
    this.timers.set(uuid, timer);
  }

  stop(): void {
    clearInterval(this.sweeper);
    for (const t of this.timers.values()) clearTimeout(t);
    this.timers.clear();
  }

  private sweep(): void {
    this.store()
      .dropExpiredPreviousSecrets()
      .then((dropped) => dropped > 0 && this.logger.info({ dropped }, 'expired previous signing secrets removed'))
      .catch((err: unknown) => this.logger.warn({ err }, 'previous signing secret sweep failed'));
  }
}
