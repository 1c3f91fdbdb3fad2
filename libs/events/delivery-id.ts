import { hash } from 'node:crypto';

// A fixed namespace makes Herald's ids disjoint from other name-based UUIDs of the same names.
const NAMESPACE = Buffer.from('6c1f9e2a4b3d4c8e9a7f0b1d2c3e4f5a', 'hex');

/** NAMESPACE followed by the name, hashed in one call (the router derives an id per job). */
let input = Buffer.allocUnsafeSlow(256);
NAMESPACE.copy(input, 0);

/**
 * The delivery id of an (event, notification) pair: a name-based UUID (version 5), so the router
 * derives the same id after a crash and every retry carries it. Receivers de-duplicate on it.
 */
export function deliveryId(eventId: string, notificationUuid: string): string {
  const name = `${eventId}/${notificationUuid}`;
  const need = NAMESPACE.length + Buffer.byteLength(name);
  if (need > input.length) {
    input = Buffer.allocUnsafeSlow(need * 2);
    NAMESPACE.copy(input, 0);
  }
  const end = NAMESPACE.length + input.write(name, NAMESPACE.length, 'utf8');
  const bytes = hash('sha1', input.subarray(0, end), 'buffer').subarray(0, 16);
  bytes[6] = ((bytes[6] ?? 0) & 0x0f) | 0x50;
  bytes[8] = ((bytes[8] ?? 0) & 0x3f) | 0x80;
  const hex = bytes.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}
