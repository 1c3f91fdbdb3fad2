import { ObjectId, type Collection, type Db, type Filter } from '@herald/mongo';
import { afterPosition, decodeAuditCursor, encodeAuditCursor } from './audit-cursor.js';

export const AUDIT_LOG_COLLECTION = 'audit_log';

/** What the audit log records: changes to notifications, and to the e-mail addresses they may mail. */
export const AUDIT_ACTIONS = [
  'create',
  'update',
  'delete',
  'reset',
  'test',
  'redrive',
  'resend',
  'replay',
  'replay_cancel',
  'email_request',
  'email_confirm',
  'email_withdraw',
] as const;
export type AuditAction = (typeof AUDIT_ACTIONS)[number];

/**
 * `pending`: recorded before the action ran, its result not (yet) recorded — the request is still
 * running, or the service stopped or lost MongoDB in between.
 */
export const AUDIT_OUTCOMES = ['pending', 'succeeded', 'failed'] as const;
export type AuditOutcome = (typeof AUDIT_OUTCOMES)[number];

export type AuditScopeKind = 'repository' | 'namespace' | 'registry';

/** What the action was on: a repository's, a namespace's or the registry's notifications (or e-mail authorizations). */
export interface AuditScope {
  kind: AuditScopeKind;
  /** `ns/name`, for the repository scope. */
  repository?: string;
  /** The namespace: of the repository, or the namespace scope's own. */
  namespace?: string;
}

/**
 * One field's value before and after (absent: the field was not set). Secrets are masked by the
 * caller, never stored as they were. A list, not an object keyed by field: field paths hold dots.
 */
export interface AuditChange {
  /** `title`, `config.url`, `event_config.tag-glob`, `signing_secret`, … */
  field: string;
  before?: unknown;
  after?: unknown;
}

/** What a caller records. */
export interface NewAuditEntry {
  /** The token's subject (`email:<address>` for a confirmation, which needs no token). */
  actor: string;
  action: AuditAction;
  scope: AuditScope;
  notification_uuid?: string;
  email?: string;
  /** What changed, field by field. */
  changes?: AuditChange[];
}

export interface AuditDoc extends NewAuditEntry {
  _id: ObjectId;
  at: Date;
  /** Query keys: the repository (repository scope only) and the namespace (every scope but the registry). */
  repository: string | null;
  namespace: string | null;
  outcome: AuditOutcome;
  /** The HTTP status a failed action was answered with. */
  status?: number;
  /** A small result of the action (a test's delivery id, how many jobs a re-drive sent). */
  detail?: Record<string, string | number>;
}

/** Whose entries a query reads. */
export type AuditQuery = { repository: string } | { namespace: string } | { all: true };

export interface AuditPage {
  entries: AuditDoc[];
  /** Pass as `cursor` for the next (older) page; null on the last page. */
  nextCursor: string | null;
}

export const MAX_AUDIT_PAGE = 200;

/** The query keys an entry of `scope` is stored with. */
export function auditQueryKeys(scope: AuditScope): Pick<AuditDoc, 'repository' | 'namespace'> {
  switch (scope.kind) {
    case 'repository': {
      const r = scope.repository ?? '';
      const slash = r.indexOf('/');
      return { repository: r, namespace: scope.namespace ?? (slash < 0 ? r : r.slice(0, slash)) };
    }
    case 'namespace':
      return { repository: null, namespace: scope.namespace ?? '' };
    case 'registry':
      return { repository: null, namespace: null };
  }
}

function queryFilter(q: AuditQuery): Filter<AuditDoc> {
  if ('repository' in q) return { repository: q.repository };
  if ('namespace' in q) return { namespace: q.namespace };
  return {};
}

/**
 * The audit log (issue 17): who changed which notification or e-mail authorization, when, what
 * changed and how it ended. An entry is written before the action (`begin`, outcome `pending`)
 * and completed after it (`finish`), so no action runs unrecorded. Entries older than the
 * retention are deleted by `purge` (FerretDB has no TTL indexes).
 */
export class AuditLog {
  readonly col: Collection<AuditDoc>;

  constructor(db: Db) {
    this.col = db.collection<AuditDoc>(AUDIT_LOG_COLLECTION);
  }

  async ensureIndexes(): Promise<void> {
    await this.col.createIndex({ repository: 1, at: -1, _id: -1 }, { name: 'repository_at' });
    await this.col.createIndex({ namespace: 1, at: -1, _id: -1 }, { name: 'namespace_at' });
    await this.col.createIndex({ at: -1, _id: -1 }, { name: 'at' });
  }

  /** Records an action about to run (outcome `pending`); returns the entry's id for `finish`. */
  async begin(entry: NewAuditEntry, now = new Date()): Promise<ObjectId> {
    const doc: AuditDoc = { _id: new ObjectId(), at: now, ...entry, ...auditQueryKeys(entry.scope), outcome: 'pending' };
    await this.col.insertOne(doc);
    return doc._id;
  }

  /** Records how the action ended: the HTTP status of a failure, a small result of a success. */
  async finish(id: ObjectId, outcome: Exclude<AuditOutcome, 'pending'>, opts: { status?: number; detail?: Record<string, string | number> } = {}): Promise<void> {
    const set = { outcome, ...(opts.status === undefined ? {} : { status: opts.status }), ...(opts.detail ? { detail: opts.detail } : {}) };
    await this.col.updateOne({ _id: id }, { $set: set });
  }

  /**
   * A page of entries, newest first. `cursor` is a previous page's `nextCursor` (a ValidationError
   * naming `cursor` otherwise); `limit` is capped at MAX_AUDIT_PAGE.
   */
  async list(q: AuditQuery, opts: { limit: number; cursor?: string }): Promise<AuditPage> {
    const limit = Math.max(1, Math.min(MAX_AUDIT_PAGE, Math.floor(opts.limit)));
    const base = queryFilter(q);
    const filter = opts.cursor === undefined ? base : { ...base, ...afterPosition(decodeAuditCursor(opts.cursor)) };
    const docs = await this.col
      .find(filter as Filter<AuditDoc>)
      .sort({ at: -1, _id: -1 })
      .limit(limit + 1)
      .toArray();
    const entries = docs.slice(0, limit);
    const last = entries[entries.length - 1];
    return { entries, nextCursor: docs.length > limit && last ? encodeAuditCursor({ at: last.at, id: last._id }) : null };
  }

  /** Deletes entries recorded before `before`; returns how many. */
  async purge(before: Date): Promise<number> {
    const r = await this.col.deleteMany({ at: { $lt: before } });
    return r.deletedCount;
  }
}
