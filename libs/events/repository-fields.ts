import { ValidationError } from '@herald/errors';
import type { EventEnvelope } from './event-types.js';

/** The envelope fields that follow from the repository name and the registry host. */
export type RepositoryFields = Pick<EventEnvelope, 'repository' | 'namespace' | 'name' | 'docker_url' | 'homepage'>;

// Registries on the developer's machine rarely have TLS; everything else is assumed to.
const PLAIN_HTTP_HOST = /^(localhost|127(\.\d{1,3}){3}|\[::1\])(:\d+)?$/i;

/**
 * Derives the envelope fields as Quay builds them: namespace is what precedes the first `/`,
 * docker_url is `<host>/<repository>`, homepage `<scheme>://<host>/repository/<repository>`, and
 * build events append `/build/<build_id>` to the homepage. Namespace-level events (quota) link to the
 * namespace's page instead, `<scheme>://<host>/organization/<namespace>`, as Quay's
 * `build_namespace_event_data` does.
 */
export function deriveRepositoryFields(
  repository: string,
  opts: { registryHost: string; buildId?: string | undefined; namespacePage?: boolean | undefined },
): RepositoryFields {
  const slash = repository.indexOf('/');
  if (slash <= 0 || slash === repository.length - 1) {
    throw new ValidationError('repository', `must be "namespace/name", got ${JSON.stringify(repository)}`);
  }
  const host = opts.registryHost.replace(/\/+$/, '');
  if (host === '' || /[\s/]/.test(host)) throw new ValidationError('registry_host', `not a host: ${JSON.stringify(host)}`);
  const scheme = PLAIN_HTTP_HOST.test(host) ? 'http' : 'https';
  const namespace = repository.slice(0, slash);
  const build = opts.buildId === undefined ? '' : `/build/${opts.buildId}`;
  return {
    repository,
    namespace,
    name: repository.slice(slash + 1),
    docker_url: `${host}/${repository}`,
    homepage: opts.namespacePage ? `${scheme}://${host}/organization/${namespace}` : `${scheme}://${host}/repository/${repository}${build}`,
  };
}

/** The registry host of an event (its docker_url without the repository). */
export function registryHostOf(event: Pick<EventEnvelope, 'docker_url' | 'repository'>): string {
  const suffix = `/${event.repository}`;
  return event.docker_url.endsWith(suffix) ? event.docker_url.slice(0, -suffix.length) : event.docker_url;
}
