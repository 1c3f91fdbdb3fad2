/**
 * Where notifications live (issue 17): one repository, every repository of a namespace (including
 * ones created later), or the whole registry (superusers). Each scope's API has the same shapes
 * under its own base path, and the page has one location per scope.
 */
export type Scope = { kind: 'repository'; repository: string } | { kind: 'namespace'; namespace: string } | { kind: 'registry' };

const seg = (s: string): string => s.split('/').map(encodeURIComponent).join('/');

/** The API base of a scope: `…/repository/ns/app`, `…/organization/ns`, `…/superuser`. */
export function scopeApiPath(s: Scope): string {
  switch (s.kind) {
    case 'repository':
      return `/api/v1/repository/${seg(s.repository)}`;
    case 'namespace':
      return `/api/v1/organization/${encodeURIComponent(s.namespace)}`;
    case 'registry':
      return '/api/v1/superuser';
  }
}

/** The page location of a scope (a URL fragment). */
export function scopeRoute(s: Scope): string {
  switch (s.kind) {
    case 'repository':
      return `/r/${s.repository}`;
    case 'namespace':
      return `/n/${s.namespace}`;
    case 'registry':
      return '/registry';
  }
}

/** The scope's name as headings show it. */
export function scopeName(s: Scope): string {
  switch (s.kind) {
    case 'repository':
      return s.repository;
    case 'namespace':
      return `${s.namespace}/*`;
    case 'registry':
      return 'Registry-wide';
  }
}

/** What a notification of the scope covers, in words. */
export function scopeCoverage(s: Scope): string {
  switch (s.kind) {
    case 'repository':
      return 'Notifications of this repository.';
    case 'namespace':
      return `Namespace-wide: each fires for every repository of ${s.namespace}, including repositories created later.`;
    case 'registry':
      return 'Registry-wide: each fires for every repository of the registry.';
  }
}

/** Methods a scope cannot use: e-mail addresses are authorized per repository. */
export function scopeAllowsMethod(s: Scope, method: string): boolean {
  return s.kind === 'repository' || method !== 'email';
}
