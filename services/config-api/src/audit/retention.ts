import type { Logger } from '@herald/logger';
import type { AuditLog } from '@herald/store';

/** How often entries past the retention are deleted (every replica does; deleting twice is harmless). */
const PURGE_INTERVAL_MS = 3_600_000;

/**
 * Deletes audit entries older than the retention, at start and hourly. FerretDB has no TTL indexes
 * (creating one is refused: `expireAfterSeconds` "is not implemented yet"), so the service purges.
 */
export class AuditRetention {
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly log: () => AuditLog,
    private readonly retentionMs: number,
    private readonly logger: Logger,
  ) {}

  start(): void {
    this.purge();
    this.timer = setInterval(() => this.purge(), PURGE_INTERVAL_MS).unref();
  }

  stop(): void {
    clearInterval(this.timer);
  }

  private purge(): void {
    this.log()
      .purge(new Date(Date.now() - this.retentionMs))
      .then((purged) => purged > 0 && this.logger.info({ purged }, 'audit entries past their retention deleted'))
      .catch((err: unknown) => this.logger.warn({ err }, 'audit purge failed; retried within the hour'));
  }
}
