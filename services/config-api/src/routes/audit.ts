import type { FastifyInstance, FastifyRequest } from 'fastify';
import { requireNamespaceAdmin, requireRepositoryAdmin, requireSuperuser } from '@herald/auth';
import type { AuditDoc, AuditQuery as StoreQuery } from '@herald/store';
import type { ApiDeps } from '../deps.js';
import { AuditPage, AuditQuery, DEFAULT_AUDIT_PAGE } from '../schemas/audit.js';
import { ADMIN_ERRORS, BEARER, NAMESPACE_ADMIN_ERRORS, NamespaceParams, RepositoryParams, SUPERUSER_ERRORS } from '../schemas/common.js';
import { guard } from './notification-routes.js';
import { REPOSITORY_PREFIX } from './repository-path.js';

/** An entry in the API's shape (schemas/audit.ts). */
export function auditEntryView(d: AuditDoc): Record<string, unknown> {
  const scope =
    d.scope.kind === 'repository'
      ? { kind: d.scope.kind, repository: d.scope.repository, namespace: d.namespace ?? undefined }
      : d.scope.kind === 'namespace'
        ? { kind: d.scope.kind, namespace: d.scope.namespace }
        : { kind: d.scope.kind };
  return {
    id: d._id.toHexString(),
    at: d.at.toISOString(),
    actor: d.actor,
    action: d.action,
    scope,
    ...(d.notification_uuid === undefined ? {} : { notification_uuid: d.notification_uuid }),
    ...(d.email === undefined ? {} : { email: d.email }),
    ...(d.changes === undefined ? {} : { changes: d.changes }),
    outcome: d.outcome,
    ...(d.status === undefined ? {} : { status: d.status }),
    ...(d.detail === undefined ? {} : { detail: d.detail }),
  };
}

async function page(deps: ApiDeps, q: StoreQuery, req: FastifyRequest): Promise<unknown> {
  const { limit, cursor } = req.query as { limit?: string; cursor?: string };
  const r = await deps.audit.list(q, { limit: limit === undefined ? DEFAULT_AUDIT_PAGE : Number(limit), ...(cursor === undefined ? {} : { cursor }) });
  return { entries: r.entries.map(auditEntryView), next_cursor: r.nextCursor };
}

/**
 * The audit log (issue 17): a repository's entries for its admins, a namespace's (its own
 * notifications' and those of its repositories) for admins of `ns/*`, everything for the superuser.
 * Newest first, paged with an opaque cursor.
 */
export function registerAuditRoutes(app: FastifyInstance, deps: ApiDeps): void {
  const tags = ['audit'];
  // The guard (routes/notification-routes.ts): token (401), path params (400), permission (403), before the query is judged.
  app.get(
    `${REPOSITORY_PREFIX}:repository/audit`,
    {
      preValidation: guard(deps, (who, p) => requireRepositoryAdmin(who, p['repository'] ?? '')),
      schema: {
        summary: "Herald: the repository's audit log, newest first",
        tags,
        security: BEARER,
        params: RepositoryParams,
        querystring: AuditQuery,
        response: { 200: AuditPage, ...ADMIN_ERRORS },
      },
    },
    (req) => page(deps, { repository: (req.params as { repository: string }).repository }, req),
  );
  app.get(
    '/api/v1/organization/:namespace/audit',
    {
      preValidation: guard(deps, (who, p) => requireNamespaceAdmin(who, p['namespace'] ?? '')),
      schema: {
        summary: "Herald: the namespace's audit log — its namespace notifications and its repositories' entries, newest first",
        tags,
        security: BEARER,
        params: NamespaceParams,
        querystring: AuditQuery,
        response: { 200: AuditPage, ...NAMESPACE_ADMIN_ERRORS },
      },
    },
    (req) => page(deps, { namespace: (req.params as { namespace: string }).namespace }, req),
  );
  app.get(
    '/api/v1/superuser/audit',
    {
      preValidation: guard(deps, (who) => requireSuperuser(who)),
      schema: {
        summary: 'Herald: the whole audit log (every scope), newest first',
        tags,
        security: BEARER,
        querystring: AuditQuery,
        response: { 200: AuditPage, ...SUPERUSER_ERRORS },
      },
    },
    (req) => page(deps, { all: true }, req),
  );
}
