import type { Principal } from '@herald/auth';
import type { Logger } from '@herald/logger';
import { Counter } from '@herald/observability';
import type { AuditLog, AuditScope, NewAuditEntry } from '@herald/store';
import { scopeOf, type NotificationDoc } from '@herald/subscriptions';
import { UpstreamError } from '../http/http-errors.js';
import { statusOf } from '../http/error-handler.js';

/** The audit scope of a notification: its repository, its namespace, or the registry. */
export function notificationScope(n: Pick<NotificationDoc, 'scope' | 'namespace' | 'repository'>): AuditScope {
  switch (scopeOf(n)) {
    case 'namespace':
      return { kind: 'namespace', namespace: n.namespace ?? '' };
    case 'registry':
      return { kind: 'registry' };
    default:
      return { kind: 'repository', repository: n.repository };
  }
}

/** The audit scope of an e-mail authorization (they are per repository). */
export const repositoryScope = (repository: string): AuditScope => ({ kind: 'repository', repository });

/** Who an entry names: the token's subject; for a confirmation (no token), the address that confirmed. */
export const actorOf = (who: Principal): string => who.subject;
export const mailboxActor = (email: string): string => `email:${email}`;

/** The small result an entry may keep (a test's delivery id, a re-drive's counts). */
export type AuditDetail = Record<string, string | number>;

/**
 * Records every audited action in one place. The entry is written before the action runs: if
 * MongoDB does not take it, the request fails with 503 and nothing changes (no unrecorded change).
 * After the action the entry gets its outcome (`succeeded`, or `failed` with the HTTP status); if
 * that second write fails the change stands, the entry stays `pending`, and the failure is logged
 * and counted (`herald_audit_write_failures_total{stage="finish"}`).
 */
export class Auditor {
  /** Register on the service's metrics registry. */
  readonly failures = new Counter({
    name: 'herald_audit_write_failures_total',
    help: 'Audit log writes that failed: begin (the request was refused with 503) or finish (the entry stayed pending)',
    labelNames: ['stage'] as const,
    registers: [],
  });

  constructor(
    private readonly log: () => AuditLog,
    private readonly logger: Logger,
  ) {}

  /** Runs `action` recorded as `entry`; `detail` picks what of its result the entry keeps. */
  async record<T>(entry: NewAuditEntry, action: () => Promise<T>, detail?: (result: T) => AuditDetail | undefined): Promise<T> {
    let id;
    try {
      id = await this.log().begin(entry);
    } catch (err) {
      this.failures.inc({ stage: 'begin' });
      throw new UpstreamError(503, 'the audit log could not record this action, so it was not carried out; retry', err);
    }
    let result: T;
    try {
      result = await action();
    } catch (err) {
      await this.finish(entry, () => this.log().finish(id, 'failed', { status: statusOf(err) }));
      throw err;
    }
    await this.finish(entry, () => this.log().finish(id, 'succeeded', { detail: detail?.(result) }));
    return result;
  }

  private async finish(entry: NewAuditEntry, write: () => Promise<void>): Promise<void> {
    try {
      await write();
    } catch (err) {
      this.failures.inc({ stage: 'finish' });
      this.logger.error({ err, action: entry.action, notificationUuid: entry.notification_uuid }, 'audit outcome not recorded; the entry stays pending');
    }
  }
}
