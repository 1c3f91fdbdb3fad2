import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { Webhook } from 'standardwebhooks';
import { standardWebhookSignature, standardWebhookSignatures } from './signature.js';

test('signatures verify with the standardwebhooks package', () => {
  const secret = `whsec_${randomBytes(32).toString('base64')}`;
  const id = 'msg_2b1c';
  const ts = Math.floor(Date.now() / 1000);
  const body = JSON.stringify({ repository: 'acme/web', updated_tags: ['latest'] });
  const headers = { 'webhook-id': id, 'webhook-timestamp': String(ts), 'webhook-signature': standardWebhookSignature(secret, id, ts, body) };
  assert.deepEqual(new Webhook(secret).verify(body, headers), JSON.parse(body));
  assert.throws(() => new Webhook(secret).verify(`${body} `, headers));
});

test('with two secrets the header carries two v1 signatures, each verifying with its own secret only', () => {
  const next = `whsec_${randomBytes(32).toString('base64')}`;
  const previous = `whsec_${randomBytes(32).toString('base64')}`;
  const stranger = `whsec_${randomBytes(32).toString('base64')}`;
  const id = 'msg_rot';
  const ts = Math.floor(Date.now() / 1000);
  const body = JSON.stringify({ repository: 'acme/web', updated_tags: ['v2'] });
  const value = standardWebhookSignatures([next, previous], id, ts, body);
  const parts = value.split(' ');
  assert.equal(parts.length, 2);
  assert.deepEqual(parts, [standardWebhookSignature(next, id, ts, body), standardWebhookSignature(previous, id, ts, body)]);
  const headers = { 'webhook-id': id, 'webhook-timestamp': String(ts), 'webhook-signature': value };
  assert.deepEqual(new Webhook(next).verify(body, headers), JSON.parse(body));
  assert.deepEqual(new Webhook(previous).verify(body, headers), JSON.parse(body));
  assert.throws(() => new Webhook(stranger).verify(body, headers));
  // One secret: one signature, as before a rotation.
  assert.equal(standardWebhookSignatures([next], id, ts, body), standardWebhookSignature(next, id, ts, body));
});
