/**
 * Page locations live in the URL fragment (`#/r/ns/app`): links to a repository work and survive a
 * reload, and the fragment never reaches a server log.
 */
export type Route = { view: 'home' } | { view: 'repository'; repository: string };

export function repositoryRoute(repository: string): string {
  return `/r/${repository}`;
}

export function parseRoute(hash: string): Route {
  const path = hash.replace(/^#/, '');
  if (path.startsWith('/r/')) {
    let repository: string;
    try {
      repository = decodeURIComponent(path.slice(3));
    } catch {
      return { view: 'home' };
    }
    repository = repository.replace(/\/+$/, '');
    if (repository.includes('/')) return { view: 'repository', repository };
  }
  return { view: 'home' };
}
