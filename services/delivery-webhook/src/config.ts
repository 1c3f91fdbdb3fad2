import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { int, optionalStr, parseConfig, str, type Reader } from '@herald/config';
import { deliveryShape } from '@herald/delivery';
import { allowListReader } from '@herald/http-guard';

const VERSION = (createRequire(import.meta.url)('../package.json') as { version: string }).version;

/** A path to a readable file, optional; `pairedWith` must be set too when this one is. */
function optionalFile(pairedWith?: string): Reader<string | undefined> {
  const read = optionalStr();
  return (env, name, problems) => {
    const path = read(env, name, problems);
    if (path !== undefined && !existsSync(path)) problems.push(`${name}: no such file ${path}`);
    if (path !== undefined && pairedWith && !env[pairedWith]?.trim()) problems.push(`${name} is set but ${pairedWith} is not`);
    return path;
  };
}

export const webhookShape = {
  ...deliveryShape('delivery-webhook', 9410),
  /** Exceptions to the SSRF guard: host names (`*.corp` for subdomains), addresses, CIDR ranges. */
  WEBHOOK_ALLOW_LIST: allowListReader(),
  WEBHOOK_TLS_CERT_FILE: optionalFile('WEBHOOK_TLS_KEY_FILE'),
  WEBHOOK_TLS_KEY_FILE: optionalFile('WEBHOOK_TLS_CERT_FILE'),
  WEBHOOK_TLS_CA_FILE: optionalFile(),
  WEBHOOK_CONNECTIONS_PER_ORIGIN: int(16, 1, 1_024),
  WEBHOOK_KEEP_ALIVE_TIMEOUT_MS: int(30_000, 1_000, 600_000),
  WEBHOOK_USER_AGENT: str(`Herald/${VERSION}`),
};

export type WebhookConfig = ReturnType<typeof loadConfig>;

export function loadConfig(env: NodeJS.ProcessEnv = process.env) {
  return parseConfig(webhookShape, env);
}
