import { commonShape, int, opsShape, parseConfig, str } from '@herald/config';
import { hostname } from 'node:os';

export const configShape = {
  ...commonShape,
  ...opsShape(9400),
  ROUTER_GROUP_ID: str('herald-router'),
  /** Stable per replica (e.g. the StatefulSet pod name): a restart fences its predecessor. */
  ROUTER_INSTANCE_ID: str(hostname()),
  ROUTER_SESSION_TIMEOUT_MS: int(10_000, 6_000, 300_000),
  /** Partitions of a fetch routed at once, and so committed in one transaction. */
  ROUTER_PARTITIONS_CONCURRENTLY: int(12, 1, 1_000),
  /** Longest wait for the rest of a fetch's batches before their transaction commits. */
  ROUTER_TRANSACTION_LINGER_MS: int(10, 0, 1_000),
  /** Jobs past which a transaction commits without waiting for the rest of the fetch. */
  ROUTER_MAX_JOBS_PER_TRANSACTION: int(10_000, 1, 1_000_000),
};

export type RouterConfig = ReturnType<typeof loadConfig>;

export function loadConfig(env: NodeJS.ProcessEnv = process.env) {
  return parseConfig(configShape, env);
}
