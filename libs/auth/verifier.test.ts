import { test } from 'node:test';
import assert from 'node:assert/strict';
import { generateKeyPairSync } from 'node:crypto';
import { SignJWT, UnsecuredJWT } from 'jose';
import { bearerToken, createTokenVerifier, UnauthenticatedError } from './verifier.js';
import { mintToken } from './mint.js';

const SECRET = 'unit-test-secret-that-is-long-enough-0123456789';

test('HMAC tokens: claims become the principal', async () => {
  const v = createTokenVerifier({ hmacSecret: SECRET, superuser: 'root' });
  const t = await mintToken({ secret: SECRET, sub: 'alice', grants: ['ns/app:admin'], teams: ['t1'], orgs: ['o1'] });
  const p = await v.verify(t);
  assert.equal(p.subject, 'alice');
  assert.deepEqual(p.grants, [{ type: 'repository', name: 'ns/app', actions: ['admin'] }]);
  assert.deepEqual(p.teams, ['t1']);
  assert.deepEqual(p.orgs, ['o1']);
  assert.equal(p.superuser, false);
  assert.equal((await v.verify(await mintToken({ secret: SECRET, sub: 'root' }))).superuser, true);
});

test('expired, wrongly signed, unsigned and malformed tokens are rejected', async () => {
  const v = createTokenVerifier({ hmacSecret: SECRET });
  const expired = await mintToken({ secret: SECRET, sub: 'alice', ttlSeconds: -3600 });
  await assert.rejects(v.verify(expired), (e: unknown) => e instanceof UnauthenticatedError && /expired/.test(e.message));
  const other = await mintToken({ secret: `${SECRET}-other`, sub: 'alice' });
  await assert.rejects(v.verify(other), UnauthenticatedError);
  const none = new UnsecuredJWT({ sub: 'alice' }).setExpirationTime('1h').encode();
  await assert.rejects(v.verify(none), UnauthenticatedError);
  await assert.rejects(v.verify('a.b.c'), UnauthenticatedError);
  await assert.rejects(v.verify(''), UnauthenticatedError);
  const noExp = await new SignJWT({}).setProtectedHeader({ alg: 'HS256' }).setSubject('alice').sign(Buffer.from(SECRET));
  await assert.rejects(v.verify(noExp), UnauthenticatedError);
});

test('issuer and audience are enforced when configured', async () => {
  const v = createTokenVerifier({ hmacSecret: SECRET, issuer: 'registry', audience: 'herald' });
  await v.verify(await mintToken({ secret: SECRET, sub: 'a', issuer: 'registry', audience: 'herald' }));
  await assert.rejects(v.verify(await mintToken({ secret: SECRET, sub: 'a', issuer: 'evil', audience: 'herald' })), UnauthenticatedError);
  await assert.rejects(v.verify(await mintToken({ secret: SECRET, sub: 'a', issuer: 'registry' })), UnauthenticatedError);
});

for (const [type, opts] of [
  ['rsa', { modulusLength: 2048 }],
  ['ec', { namedCurve: 'P-256' }],
  ['ed25519', {}],
] as const) {
  test(`public key verification: ${type}`, async () => {
    const pair = generateKeyPairSync(type as 'rsa', opts as { modulusLength: number });
    const pub = pair.publicKey.export({ type: 'spki', format: 'pem' }).toString();
    const priv = pair.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
    const v = createTokenVerifier({ publicKeyPem: pub });
    const p = await v.verify(await mintToken({ privateKeyPem: priv, sub: 'bob', grants: ['ns/*:*'] }));
    assert.equal(p.subject, 'bob');
    // An HMAC token signed with the public key text must not pass (algorithm confusion).
    const confused = await new SignJWT({}).setProtectedHeader({ alg: 'HS256' }).setSubject('bob').setExpirationTime('1h').sign(Buffer.from(pub));
    await assert.rejects(v.verify(confused), UnauthenticatedError);
  });
}

test('verifier configuration is checked', () => {
  assert.throws(() => createTokenVerifier({}));
  assert.throws(() => createTokenVerifier({ hmacSecret: 'short' }));
  assert.throws(() => createTokenVerifier({ hmacSecret: SECRET, publicKeyPem: 'x' }));
  assert.throws(() => createTokenVerifier({ publicKeyPem: 'not a pem' }));
});

test('bearer header parsing', () => {
  assert.equal(bearerToken('Bearer abc.def.ghi'), 'abc.def.ghi');
  assert.equal(bearerToken('bearer abc'), 'abc');
  assert.throws(() => bearerToken(undefined), UnauthenticatedError);
  assert.throws(() => bearerToken('Basic dXNlcjpwYXNz'), UnauthenticatedError);
  assert.throws(() => bearerToken('Bearer '), UnauthenticatedError);
});
