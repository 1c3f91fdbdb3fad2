import { int, parseConfig, str } from '@herald/config';
import { deliveryShape } from '@herald/delivery';
import { allowListReader } from '@herald/http-guard';
import { VERSION } from './version.js';

export const slackShape = {
  ...deliveryShape('delivery-slack', 9412),
  /** The `username` Slack shows the message from. */
  SLACK_USERNAME: str('Herald'),
  /** Exceptions to the SSRF guard (self-hosted Slack-compatible endpoints, local tests). */
  SLACK_ALLOW_LIST: allowListReader(),
  SLACK_CONNECTIONS_PER_ORIGIN: int(16, 1, 1_024),
  SLACK_USER_AGENT: str(`Herald/${VERSION}`),
};

export type SlackConfig = ReturnType<typeof loadConfig>;

export function loadConfig(env: NodeJS.ProcessEnv = process.env) {
  return parseConfig(slackShape, env);
}
