import { HeraldError } from '@herald/errors';
import { ADMIN_ACTIONS, type Grant, type Principal } from './principal.js';

/** The caller is authenticated but lacks the permission the request needs (HTTP 403). */
export class ForbiddenError extends HeraldError {
  constructor(message: string) {
    super('FORBIDDEN', message);
  }
}

/** True when a grant's `name` covers `repository`: exact, or `prefix/*` for anything under prefix. */
export function grantCovers(name: string, repository: string): boolean {
  if (name === repository) return true;
  if (!name.endsWith('/*')) return false;
  const prefix = name.slice(0, -1);
  return prefix.length > 1 && repository.startsWith(prefix) && repository.length > prefix.length;
}

function isAdminGrant(g: Grant): boolean {
  return g.type === 'repository' && g.actions.some((a) => ADMIN_ACTIONS.has(a));
}

/** Whether the principal administers `repository` (superuser, or an admin/`*` grant covering it). */
export function isRepositoryAdmin(p: Principal, repository: string): boolean {
  return p.superuser || p.grants.some((g) => isAdminGrant(g) && grantCovers(g.name, repository));
}

/** Throws ForbiddenError unless the principal administers `repository`. */
export function requireRepositoryAdmin(p: Principal, repository: string): void {
  if (!isRepositoryAdmin(p, repository)) {
    throw new ForbiddenError(`admin permission on repository ${repository} is required`);
  }
}

/**
 * Whether the principal administers `namespace` as a whole (superuser, or an admin/`*` grant on
 * exactly `namespace/*`). An admin of some repositories of the namespace is not: a namespace
 * notification covers every repository in it, including ones created later.
 */
export function isNamespaceAdmin(p: Principal, namespace: string): boolean {
  return p.superuser || (namespace !== '' && p.grants.some((g) => isAdminGrant(g) && g.name === `${namespace}/*`));
}

/** Throws ForbiddenError unless the principal administers `namespace` as a whole. */
export function requireNamespaceAdmin(p: Principal, namespace: string): void {
  if (!isNamespaceAdmin(p, namespace)) {
    throw new ForbiddenError(`admin permission on namespace ${namespace} (a grant on ${namespace}/*) is required`);
  }
}

/** Throws ForbiddenError unless the principal is the superuser (the subject configured as such). */
export function requireSuperuser(p: Principal): void {
  if (!p.superuser) throw new ForbiddenError('superuser permission is required');
}

/** Who in-app notifications may be addressed to for this caller. */
export interface Recipient {
  user: string;
  teams: string[];
  orgs: string[];
}

/**
 * The caller as an in-app recipient: their subject, their teams, and the orgs they administer —
 * from the `orgs` claim plus every namespace they hold an admin grant on as a whole (`ns/*`).
 */
export function recipientOf(p: Principal): Recipient {
  const orgs = new Set(p.orgs);
  for (const g of p.grants) {
    if (isAdminGrant(g) && /^[^/*]+\/\*$/.test(g.name)) orgs.add(g.name.slice(0, -2));
  }
  return { user: p.subject, teams: [...new Set(p.teams)], orgs: [...orgs] };
}

/**
 * Parses the `access` claim. Malformed entries are skipped rather than failing the whole token, so a
 * registry that adds entry types Herald does not know keeps working.
 */
export function parseAccessClaim(raw: unknown): Grant[] {
  if (!Array.isArray(raw)) return [];
  const out: Grant[] = [];
  for (const e of raw) {
    if (typeof e !== 'object' || e === null) continue;
    const { type, name, actions } = e as Record<string, unknown>;
    if (typeof type !== 'string' || typeof name !== 'string' || !Array.isArray(actions)) continue;
    out.push({ type, name, actions: actions.filter((a): a is string => typeof a === 'string') });
  }
  return out;
}

/**
 * Parses the shorthand `ns/repo:admin,push` (or `ns/*:admin`) into a repository grant. Actions
 * default to `admin`.
 */
export function parseGrantSpec(spec: string): Grant {
  const i = spec.lastIndexOf(':');
  const name = (i < 0 ? spec : spec.slice(0, i)).trim();
  const actions = i < 0 ? ['admin'] : spec.slice(i + 1).split(',').map((a) => a.trim()).filter((a) => a !== '');
  if (name === '' || actions.length === 0) throw new HeraldError('GRANT_INVALID', `invalid grant "${spec}"`);
  return { type: 'repository', name, actions };
}
