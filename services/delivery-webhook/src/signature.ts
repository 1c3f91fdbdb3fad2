import { createHmac, createSecretKey, type KeyObject } from 'node:crypto';

// Importing the key is a good part of an HMAC's cost; secrets are few and reused for every delivery.
const keys = new Map<string, KeyObject>();
const MAX_KEYS = 10_000;

function keyOf(secret: string): KeyObject {
  let key = keys.get(secret);
  if (!key) {
    if (keys.size >= MAX_KEYS) keys.delete(keys.keys().next().value as string);
    key = createSecretKey(Buffer.from(secret.startsWith('whsec_') ? secret.slice('whsec_'.length) : secret, 'base64'));
    keys.set(secret, key);
  }
  return key;
}

/**
 * The `webhook-signature` value of the Standard Webhooks scheme (v1): base64 HMAC-SHA256 over
 * `${id}.${timestamp}.${body}`, keyed with the base64 part of the `whsec_…` secret.
 */
export function standardWebhookSignature(secret: string, id: string, timestampSeconds: number, body: string): string {
  return `v1,${createHmac('sha256', keyOf(secret)).update(`${id}.${timestampSeconds}.${body}`).digest('base64')}`;
}

/**
 * The `webhook-signature` value for several secrets: one `v1,` signature each, space-separated, as
 * Standard Webhooks allows during a secret rotation (a receiver accepts any one that verifies).
 */
export function standardWebhookSignatures(secrets: readonly string[], id: string, timestampSeconds: number, body: string): string {
  return secrets.map((s) => standardWebhookSignature(s, id, timestampSeconds, body)).join(' ');
}
