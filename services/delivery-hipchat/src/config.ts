import { int, parseConfig, str, url } from '@herald/config';
import { deliveryShape } from '@herald/delivery';
import { allowListReader } from '@herald/http-guard';
import { VERSION } from './version.js';

export const hipchatShape = {
  ...deliveryShape('delivery-hipchat', 9414),
  /** Base URL of the HipChat API v2 server (HipChat Server / Data Center, or a compatible endpoint). */
  HIPCHAT_API_URL: url('https://api.hipchat.com'),
  /** Exceptions to the SSRF guard (self-hosted servers, local tests). */
  HIPCHAT_ALLOW_LIST: allowListReader(),
  HIPCHAT_CONNECTIONS_PER_ORIGIN: int(16, 1, 1_024),
  HIPCHAT_USER_AGENT: str(`Herald/${VERSION}`),
};

export type HipchatConfig = ReturnType<typeof loadConfig>;

export function loadConfig(env: NodeJS.ProcessEnv = process.env) {
  return parseConfig(hipchatShape, env);
}
