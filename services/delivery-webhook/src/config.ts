import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { bool, commonShape, int, list, optionalStr, parseConfig, str, type Reader } from '@herald/config';
import { AllowList } from '@herald/http-guard';
import { DEFAULT_RETRY_DELAYS_MS } from '@herald/kafka';

const VERSION = (createRequire(import.meta.url)('../package.json') as { version: string }).version;

/** A comma-separated list of integers within [min, max] (e.g. a retry schedule in ms). */
function intList(fallback: readonly number[], min: number, max: number): Reader<number[]> {
  const read = list(fallback.map(String));
  return (env, name, problems) => {
    const items = read(env, name, problems);
    const nums = items.map(Number);
    if (nums.length === 0 || items.some((s, i) => !/^\d+$/.test(s) || (nums[i] as number) < min || (nums[i] as number) > max)) {
      problems.push(`${name} must be a comma-separated list of integers between ${min} and ${max}, got "${items.join(',')}"`);
      return [...fallback];
    }
    return nums;
  };
}

/** Host names, addresses and CIDR ranges the SSRF guard lets through. */
function allowList(): Reader<string[]> {
  const read = list([]);
  return (env, name, problems) => {
    const entries = read(env, name, problems);
    try {
      new AllowList(entries);
    } catch (err) {
      problems.push(`${name}: ${(err as Error).message}`);
    }
    return entries;
  };
}

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
  ...commonShape,
  OPS_HOST: str('127.0.0.1'),
  OPS_PORT: int(9410, 0, 65535),
  DELIVERY_GROUP_ID: str('herald-delivery-webhook'),
  /** One delay per retry topic; the default is SPEC §4's 10 s, 1 min, 5 min, 30 min, 2 h, 6 h. */
  DELIVERY_RETRY_DELAYS_MS: intList(DEFAULT_RETRY_DELAYS_MS, 0, 6 * 24 * 3600_000),
  DELIVERY_ATTEMPT_TIMEOUT_MS: int(10_000, 100, 300_000),
  DELIVERY_CONCURRENCY: int(64, 1, 10_000),
  DELIVERY_PARTITION_CONCURRENCY: int(16, 1, 10_000),
  DELIVERY_NOTIFICATION_CONCURRENCY: int(4, 1, 10_000),
  DELIVERY_MAX_BUFFERED_PER_PARTITION: int(1_000, 10, 1_000_000),
  DELIVERY_FAILURE_THRESHOLD: int(3, 1, 1_000),
  DELIVERY_SESSION_TIMEOUT_MS: int(10_000, 6_000, 300_000),
  DELIVERY_FROM_BEGINNING: bool(true),
  ATTEMPT_LOG_MAX_AGE_SECONDS: int(14 * 24 * 3600, 60, 365 * 24 * 3600),
  ATTEMPT_LOG_MAX_PER_NOTIFICATION: int(200, 1, 100_000),
  /** Exceptions to the SSRF guard: host names (`*.corp` for subdomains), addresses, CIDR ranges. */
  WEBHOOK_ALLOW_LIST: allowList(),
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
