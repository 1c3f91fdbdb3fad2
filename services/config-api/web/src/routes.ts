import { scopeRoute, type Scope } from './scope.js';

/**
 * Page locations live in the URL fragment (`#/r/ns/app`, `#/n/ns`, `#/registry`): links to a scope
 * work and survive a reload, and the fragment never reaches a server log.
 */
export type Route = { view: 'home' } | { view: 'scope'; scope: Scope };

export function repositoryRoute(repository: string): string {
  return scopeRoute({ kind: 'repository', repository });
}

function decoded(s: string): string | undefined {
  try {
    return decodeURIComponent(s).replace(/\/+$/, '');
  } catch {
    return undefined;
  }
}

export function parseRoute(hash: string): Route {
  const path = hash.replace(/^#/, '');
  if (path.startsWith('/r/')) {
    const repository = decoded(path.slice(3));
    if (repository?.includes('/')) return { view: 'scope', scope: { kind: 'repository', repository } };
  } else if (path.startsWith('/n/')) {
    const namespace = decoded(path.slice(3));
    if (namespace && !namespace.includes('/')) return { view: 'scope', scope: { kind: 'namespace', namespace } };
  } else if (path === '/registry') {
    return { view: 'scope', scope: { kind: 'registry' } };
  }
  return { view: 'home' };
}
