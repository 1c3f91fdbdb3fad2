import { int, parseConfig, str, url } from '@herald/config';
import { deliveryShape } from '@herald/delivery';
import { allowListReader } from '@herald/http-guard';
import { VERSION } from './version.js';

export const flowdockShape = {
  ...deliveryShape('delivery-flowdock', 9413),
  /** Base URL of the Flowdock API (or a compatible endpoint). */
  FLOWDOCK_API_URL: url('https://api.flowdock.com'),
  FLOWDOCK_SOURCE: str('Herald'),
  FLOWDOCK_FROM_ADDRESS: str('herald@localhost'),
  /** Exceptions to the SSRF guard (self-hosted endpoints, local tests). */
  FLOWDOCK_ALLOW_LIST: allowListReader(),
  FLOWDOCK_CONNECTIONS_PER_ORIGIN: int(16, 1, 1_024),
  FLOWDOCK_USER_AGENT: str(`Herald/${VERSION}`),
};

export type FlowdockConfig = ReturnType<typeof loadConfig>;

export function loadConfig(env: NodeJS.ProcessEnv = process.env) {
  return parseConfig(flowdockShape, env);
}
