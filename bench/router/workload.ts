import { sampleEvent, type RepositoryEvent } from '@herald/events';

/**
 * The router benchmarks' event mix, over random repositories: 60 % pushes (a tag each), 20 % build
 * successes, 20 % vulnerabilities, which the benchmarks' subscriptions (one per kind) match at most once.
 */
export function benchEvent(repos: readonly string[], i: number): RepositoryEvent {
  const repository = repos[Math.floor(Math.random() * repos.length)]!;
  const r = i % 10;
  if (r < 6) return sampleEvent('repo_push', { repository, body: { updated_tags: [`t${i}`] } });
  if (r < 8) return sampleEvent('build_success', { repository });
  return sampleEvent('vulnerability_found', { repository });
}
