import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { deliveryId } from './delivery-id.js';

const NAMESPACE = Buffer.from('6c1f9e2a4b3d4c8e9a7f0b1d2c3e4f5a', 'hex');

/** RFC 9562 version 5 UUID of NAMESPACE + name, the reference way (node:crypto's SHA-1). */
function reference(name: string): string {
  const bytes = createHash('sha1').update(NAMESPACE).update(name, 'utf8').digest().subarray(0, 16);
  bytes[6] = ((bytes[6] as number) & 0x0f) | 0x50;
  bytes[8] = ((bytes[8] as number) & 0x3f) | 0x80;
  const hex = bytes.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

test('deliveryId is the version 5 UUID of (event id, notification uuid), as node:crypto computes it', () => {
  const a = randomUUID();
  const b = randomUUID();
  assert.equal(deliveryId(a, b), reference(`${a}/${b}`));
  assert.match(deliveryId(a, b), /^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  assert.notEqual(deliveryId(a, b), deliveryId(b, a));
});

test('deliveryId is stable for a pinned pair (ids already sent to receivers must not change)', () => {
  // Computed with node:crypto before the hash moved into JavaScript.
  assert.equal(deliveryId('5f0c6f7e-2a7d-4d51-9a0b-1f2e3d4c5b6a', '0b9c8d7e-6f5a-4b3c-8d2e-1f0a9b8c7d6e'), 'da88b68c-51da-5147-bc86-932d675a9670');
});

test('deliveryId matches node:crypto for names of every length around the block boundaries, and non-ASCII names', () => {
  for (let n = 0; n <= 300; n++) {
    const eventId = randomBytes(n).toString('base64url').slice(0, n);
    assert.equal(deliveryId(eventId, 'n'), reference(`${eventId}/n`), `name length ${n}`);
  }
  for (const name of ['évènement', '通知', 'emoji 🚀 tag', 'x'.repeat(5000)]) assert.equal(deliveryId(name, 'uuid'), reference(`${name}/uuid`), name.slice(0, 20));
});
