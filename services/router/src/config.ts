import { commonShape, int, opsShape, parseConfig, str } from '@herald/config';
import { hostname } from 'node:os';

export const configShape = {
  ...commonShape,
  ...opsShape(9400),
  ROUTER_GROUP_ID: str('herald-router'),
  /** Stable per replica (e.g. the StatefulSet pod name): a restart fences its predecessor. */
  ROUTER_INSTANCE_ID: str(hostname()),
  ROUTER_SESSION_TIMEOUT_MS: int(10_000, 6_000, 300_000),
};

export type RouterConfig = ReturnType<typeof loadConfig>;

export function loadConfig(env: NodeJS.ProcessEnv = process.env) {
  return parseConfig(configShape, env);
}
