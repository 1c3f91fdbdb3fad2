import { hash } from 'node:crypto';

// Fixed: ids derived by any ingest instance, before or after a restart, are the same.
const NAMESPACE = Buffer.from('3b8f1d0e6a2c4f5e8d7c9b0a1e2f3d4c', 'hex');

/**
 * A name-based UUID (version 5 layout) for `name`: the Herald event id of what a registry sent, so
 * that the same source events always give the same Herald event id (and so the same delivery ids).
 */
export function ingestEventId(name: string): string {
  const bytes = hash('sha1', Buffer.concat([NAMESPACE, Buffer.from(name, 'utf8')]), 'buffer').subarray(0, 16);
  bytes[6] = ((bytes[6] ?? 0) & 0x0f) | 0x50;
  bytes[8] = ((bytes[8] ?? 0) & 0x3f) | 0x80;
  const hex = bytes.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/** A stable id for a payload that carries none (Harbor): a digest of its canonical JSON. */
export function payloadId(prefix: string, payload: unknown): string {
  return `${prefix}:${hash('sha256', canonicalJson(payload), 'hex').slice(0, 32)}`;
}

function canonicalJson(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(canonicalJson).join(',')}]`;
  if (v !== null && typeof v === 'object') {
    const o = v as Record<string, unknown>;
    return `{${Object.keys(o).sort().map((k) => `${JSON.stringify(k)}:${canonicalJson(o[k])}`).join(',')}}`;
  }
  return JSON.stringify(v) ?? 'null';
}
