import { commonShape, int, parseConfig, str } from '@herald/config';
import { hostname } from 'node:os';

export const routerShape = {
  ...commonShape,
  ROUTER_GROUP_ID: str('herald-router'),
  /** Stable per replica (e.g. the StatefulSet pod name): a restart fences its predecessor. */
  ROUTER_INSTANCE_ID: str(hostname()),
  OPS_HOST: str('127.0.0.1'),
  OPS_PORT: int(9400, 0, 65535),
  ROUTER_SESSION_TIMEOUT_MS: int(10_000, 6_000, 300_000),
};

export type RouterConfig = ReturnType<typeof loadConfig>;

export function loadConfig(env: NodeJS.ProcessEnv = process.env) {
  return parseConfig(routerShape, env);
}
