import { createHash } from 'node:crypto';

/**
 * The stable id of the delivery of one event to one notification: the same on every attempt and
 * after any router crash, so receivers can de-duplicate (sent as `webhook-id`). UUID-shaped
 * (version 8, RFC 9562 custom) from SHA-256 of both ids.
 */
export function deliveryId(eventId: string, notificationUuid: string): string {
  const h = createHash('sha256').update(eventId).update('\u0000').update(notificationUuid).digest();
  h[6] = ((h[6] ?? 0) & 0x0f) | 0x80;
  h[8] = ((h[8] ?? 0) & 0x3f) | 0x80;
  const x = h.subarray(0, 16).toString('hex');
  return `${x.slice(0, 8)}-${x.slice(8, 12)}-${x.slice(12, 16)}-${x.slice(16, 20)}-${x.slice(20, 32)}`;
}
