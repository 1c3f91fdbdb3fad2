import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { Webhook } from 'standardwebhooks';
import { standardWebhookSignature } from './signature.js';

test('signatures verify with the standardwebhooks package', () => {
  const secret = `whsec_${randomBytes(32).toString('base64')}`;
  const id = 'msg_2b1c';
  const ts = Math.floor(Date.now() / 1000);
  const body = JSON.stringify({ repository: 'acme/web', updated_tags: ['latest'] });
  const headers = { 'webhook-id': id, 'webhook-timestamp': String(ts), 'webhook-signature': standardWebhookSignature(secret, id, ts, body) };
  assert.deepEqual(new Webhook(secret).verify(body, headers), JSON.parse(body));
  assert.throws(() => new Webhook(secret).verify(`${body} `, headers));
});
