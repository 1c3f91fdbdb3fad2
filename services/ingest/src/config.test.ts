import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ConfigError } from '@herald/errors';
import { loadConfig } from './config.js';

test('INGEST_TOKENS is required and each entry must be name=token with a token of 16+ characters', () => {
  assert.throws(() => loadConfig({}), (err: unknown) => err instanceof ConfigError && /INGEST_TOKENS/.test(err.message));
  const ok = loadConfig({ INGEST_TOKENS: 'reg-a=0123456789abcdef, harbor=fedcba9876543210' });
  assert.deepEqual([...ok.tokens], [['0123456789abcdef', 'reg-a'], ['fedcba9876543210', 'harbor']]);
  assert.equal(ok.INGEST_WINDOW_MS, 2_000);
  assert.throws(() => loadConfig({ INGEST_TOKENS: 'reg-a=short' }), /shorter than 16/);
  assert.throws(() => loadConfig({ INGEST_TOKENS: 'no-equals-sign-here-at-all' }), /name=token/);
  assert.throws(() => loadConfig({ INGEST_TOKENS: 'a=0123456789abcdef,a=fedcba9876543210' }), /appears twice/);
});

test('INGEST_PULLS is drop (default) or refuse', () => {
  const tokens = 'reg-a=0123456789abcdef';
  assert.equal(loadConfig({ INGEST_TOKENS: tokens }).INGEST_PULLS, 'drop');
  assert.equal(loadConfig({ INGEST_TOKENS: tokens, INGEST_PULLS: 'refuse' }).INGEST_PULLS, 'refuse');
  assert.throws(() => loadConfig({ INGEST_TOKENS: tokens, INGEST_PULLS: 'publish' }), /INGEST_PULLS must be one of drop, refuse/);
});
