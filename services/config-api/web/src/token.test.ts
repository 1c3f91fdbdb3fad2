import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mintToken } from '@herald/auth';
import { adminScope, decodeToken, isExpired } from './token.js';

const SECRET = 'web-token-test-secret-0123456789abcdefghij';

test('decodes the subject, expiry and the repositories a token administers', async () => {
  const token = await mintToken({
    secret: SECRET,
    sub: 'alice',
    grants: ['acme/app:admin', 'acme/web:push,pull', 'team/*:*', 'acme/deep/repo:admin', 'bad*/x:admin', 'solo:admin'],
    ttlSeconds: 600,
  });
  const info = decodeToken(token);
  assert.equal(info.subject, 'alice');
  assert.ok(info.expiresAt !== undefined && !isExpired(info));
  assert.deepEqual(adminScope(info), { repositories: ['acme/app', 'acme/deep/repo'], namespaces: ['team'] });
});

test('an expired token is recognised; garbage is refused with a readable reason', async () => {
  assert.ok(isExpired(decodeToken(await mintToken({ secret: SECRET, sub: 'a', ttlSeconds: -10 }))));
  assert.throws(() => decodeToken('not a token'), /not a JWT/);
  assert.throws(() => decodeToken('a.b.c'), /not readable JSON/);
  // Unicode in claims survives base64url + UTF-8 decoding.
  const t = await mintToken({ secret: SECRET, sub: 'zoë', grants: [] });
  assert.equal(decodeToken(t).subject, 'zoë');
});
