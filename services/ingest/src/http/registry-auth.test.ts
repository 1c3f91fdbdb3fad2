import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createRegistryAuth } from './registry-auth.js';
import { UnauthorizedError } from './http-errors.js';

test('a bearer token or the bare token (Harbor) names its registry; anything else is refused', () => {
  const auth = createRegistryAuth(new Map([['token-of-registry-a-0123', 'a'], ['token-of-harbor-b-456789', 'b']]));
  assert.equal(auth('Bearer token-of-registry-a-0123'), 'a');
  assert.equal(auth('bearer  token-of-registry-a-0123'), 'a');
  assert.equal(auth('token-of-harbor-b-456789'), 'b');
  for (const bad of [undefined, '', 'Bearer ', 'Bearer token-of-registry-a-012', 'Basic dXNlcjpwYXNz']) assert.throws(() => auth(bad), UnauthorizedError);
});
