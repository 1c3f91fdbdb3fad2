import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ValidationError } from '@herald/errors';
import { createDestinationGuard } from './destination-guard.js';

const table: Record<string, string[]> = {
  'meta.test': ['169.254.169.254'],
  'half.test': ['93.184.216.34', '10.0.0.7'],
  'public.test': ['93.184.216.34'],
  'six.test': ['::ffff:127.0.0.1'],
};
// A stand-in resolver: no DNS, no packets; names not in the table do not resolve.
const resolve = async (h: string) => {
  const found = table[h];
  if (!found) throw Object.assign(new Error('not found'), { code: 'ENOTFOUND' });
  return found.map((address) => ({ address, family: address.includes(':') ? 6 : 4 }));
};

test('names are judged by what they resolve to; one bad address refuses the name', async () => {
  const guard = createDestinationGuard({ webhook: [], slack: [] }, resolve);
  for (const [host, message] of [
    ['meta.test', /^config\.url: meta\.test resolves to 169\.254\.169\.254, which is a metadata address \(169\.254\.169\.254\/32\): .*WEBHOOK_ALLOW_LIST/],
    ['half.test', /half\.test resolves to 10\.0\.0\.7, which is a private address/],
    ['six.test', /six\.test resolves to .*loopback address/],
  ] as const) {
    await assert.rejects(guard.check('webhook', 'config.url', `https://${host}/x`), (e: unknown) => e instanceof ValidationError && e.field === 'config.url' && message.test(e.message), host);
  }
  await guard.check('webhook', 'config.url', 'https://public.test/x');
  await guard.check('webhook', 'config.url', 'https://not-yet.test/x'); // does not resolve: accepted
});

test('each method has its own allow-list, named in the message', async () => {
  const guard = createDestinationGuard({ webhook: ['meta.test'], slack: ['10.0.0.0/8'] }, resolve);
  await guard.check('webhook', 'config.url', 'https://meta.test/x');
  await assert.rejects(guard.check('slack', 'config.url', 'https://meta.test/x'), /SLACK_ALLOW_LIST allows it/);
  await guard.check('slack', 'config.url', 'https://10.1.2.3/x');
  await assert.rejects(guard.check('webhook', 'config.url', 'https://10.1.2.3/x'), /10\.1\.2\.3 is a private address \(10\.0\.0\.0\/8\): Herald does not deliver there unless WEBHOOK_ALLOW_LIST allows it/);
});
