import { ConfigError } from '@herald/errors';
import { commonShape, int, list, oneOf, opsShape, parseConfig, str, type ConfigOf } from '@herald/config';
import { PULL_POLICIES } from '@herald/registry-ingest';
import { hostname } from 'node:os';

/** Every variable of the ingest service; the one place its environment is read. */
export const configShape = {
  ...commonShape,
  ...opsShape(9402),
  HTTP_HOST: str('127.0.0.1'),
  HTTP_PORT: int(8091, 0, 65_535),
  /** `name=token` pairs, one per registry: Distribution sends `Authorization: Bearer <token>`, Harbor its auth header. */
  INGEST_TOKENS: list(undefined),
  /** docker_url's host when a registry event names none. */
  INGEST_REGISTRY_HOST: str('localhost:5000'),
  INGEST_WINDOW_MS: int(2_000, 0, 60_000),
  /** Pull events: `drop` (accepted, counted as dropped, nothing published) or `refuse` (400 naming the event). */
  INGEST_PULLS: oneOf(PULL_POLICIES, 'drop'),
  INGEST_WINDOW_MAX_TAGS: int(500, 1, 10_000),
  /** Registry event ids remembered (at the edge, and per partition by the coalescer) to drop retries. */
  INGEST_DEDUPE_IDS: int(100_000, 0, 10_000_000),
  /** A registry's retry this long after the original is still dropped, across restarts (the coalescer reads that far back). */
  INGEST_DEDUPE_HORIZON_MS: int(600_000, 0, 86_400_000),
  /** Envelopes per second each registry may send, and the burst above it; past it, 429 with Retry-After. */
  INGEST_RATE_PER_SECOND: int(200, 1, 1_000_000),
  INGEST_RATE_BURST: int(400, 1, 1_000_000),
  /** Envelopes being published at once, all registries together; past it, 429. */
  INGEST_MAX_IN_FLIGHT: int(256, 1, 100_000),
  /** Idempotent producers publishing accepted events, each with one produce request in flight; the next is used only while the ones before it have 64 records waiting (ProducerLanes). */
  INGEST_PRODUCERS: int(4, 1, 16),
  INGEST_GROUP_ID: str('herald-ingest'),
  /** Stable per replica: the coalescer's transactional id; a restart fences its predecessor. */
  INGEST_INSTANCE_ID: str(hostname()),
};

export type IngestConfig = ConfigOf<typeof configShape> & { tokens: Map<string, string> };

/** Parses the environment; every problem is reported at once (ConfigError). */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): IngestConfig {
  const config = parseConfig(configShape, env);
  const tokens = new Map<string, string>();
  const problems: string[] = [];
  for (const pair of config.INGEST_TOKENS) {
    const eq = pair.indexOf('=');
    const name = pair.slice(0, eq);
    const token = pair.slice(eq + 1);
    if (eq <= 0 || !/^[A-Za-z0-9._-]{1,64}$/.test(name)) problems.push(`INGEST_TOKENS: each entry is name=token with a name of letters, digits, '.', '_' or '-'`);
    else if (token.length < 16) problems.push(`INGEST_TOKENS: the token of ${name} is shorter than 16 characters`);
    else if ([...tokens.values()].includes(name)) problems.push(`INGEST_TOKENS: ${name} appears twice`);
    else tokens.set(token, name);
  }
  if (problems.length > 0) throw new ConfigError(problems);
  return { ...config, tokens };
}
