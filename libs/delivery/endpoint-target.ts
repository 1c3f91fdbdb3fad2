import type { NotificationDoc } from '@herald/subscriptions';

const DEFAULT_PORTS: Record<string, string> = { 'http:': '80', 'https:': '443' };

/** Parsed URLs by text: a notification's URL is parsed once, not per job. */
const destinations = new Map<string, string | undefined>();
const MAX_CACHED = 10_000;

/**
 * `host:port` of a notification's `config.url` (webhook, Slack), the port spelled out; undefined
 * for methods without a URL (e-mail, in-app) or a URL that does not parse.
 */
export function destinationOf(doc: NotificationDoc): string | undefined {
  const url = doc.config?.['url'];
  return typeof url === 'string' ? destinationOfUrl(url) : undefined;
}

/** `host:port` of a URL, the port spelled out (443 for https); undefined when it does not parse. */
export function destinationOfUrl(url: string): string | undefined {
  if (destinations.has(url)) return destinations.get(url);
  let dest: string | undefined;
  try {
    const u = new URL(url);
    const port = u.port || DEFAULT_PORTS[u.protocol];
    dest = port ? `${u.hostname.toLowerCase()}:${port}` : undefined;
  } catch {
    dest = undefined;
  }
  if (destinations.size >= MAX_CACHED) destinations.clear();
  destinations.set(url, dest);
  return dest;
}

/** The notification's own rate limit (`config.rate_limit`, requests per second), if set. */
export function rateLimitOf(doc: NotificationDoc): number | undefined {
  const r = doc.config?.['rate_limit'];
  return typeof r === 'number' && r > 0 ? r : undefined;
}
