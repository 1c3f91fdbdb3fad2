import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { runMintCli } from './mint-cli.js';
import { createTokenVerifier } from './verifier.js';

const SECRET = 'unit-test-secret-that-is-long-enough-0123456789';

function sink(): { write(s: string): boolean; text: () => string } {
  let buf = '';
  return { write: (s: string) => ((buf += s), true), text: () => buf };
}

test('runMintCli mints a token from flags and environment', async () => {
  const out = sink();
  const err = sink();
  const code = await runMintCli(['--sub', 'alice', '--grant', 'ns/app:admin', '--team', 't', '--ttl', '60'], { AUTH_JWT_SECRET: SECRET }, out, err);
  assert.equal(code, 0, err.text());
  const p = await createTokenVerifier({ hmacSecret: SECRET }).verify(out.text().trim());
  assert.equal(p.subject, 'alice');
  assert.deepEqual(p.teams, ['t']);
  assert.equal(p.grants[0]?.name, 'ns/app');
});

test('runMintCli reports usage errors with exit code 2', async () => {
  const err = sink();
  assert.equal(await runMintCli(['--grant', 'ns/app'], { AUTH_JWT_SECRET: SECRET }, sink(), err), 2);
  assert.match(err.text(), /--sub is required/);
  assert.equal(await runMintCli(['--sub', 'a'], {}, sink(), sink()), 2);
});

test('the herald-token bin runs', () => {
  const bin = fileURLToPath(new URL('./bin/herald-token.mjs', import.meta.url));
  const r = spawnSync(process.execPath, [bin, '--sub', 'ops', '--grant', 'ns/*:admin'], {
    env: { ...process.env, AUTH_JWT_SECRET: SECRET },
    encoding: 'utf8',
  });
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout.trim(), /^[\w-]+\.[\w-]+\.[\w-]+$/);
});
