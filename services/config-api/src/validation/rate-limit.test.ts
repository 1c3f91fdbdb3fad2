import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ValidationError } from '@herald/errors';
import { validateCreateRequest, type MethodConfigContext } from './create-request.js';

// Issue 18: a notification's own rate limit is `config.rate_limit` (libs/methods' shared field).
const ctx: MethodConfigContext = { repository: 'ns/app', isEmailConfirmed: async () => true };

const create = (method: string, config: Record<string, unknown>) => validateCreateRequest({ event: 'repo_push', method, config, eventConfig: {} }, ctx);

test('rate_limit is optional, kept as sent, fractions allowed', async () => {
  assert.deepEqual((await create('webhook', { url: 'https://h.example/x', rate_limit: 0.5 })).config, { url: 'https://h.example/x', rate_limit: 0.5 });
  assert.deepEqual((await create('slack', { url: 'https://hooks.slack.com/services/a', rate_limit: 20 })).config, { url: 'https://hooks.slack.com/services/a', rate_limit: 20 });
  assert.deepEqual((await create('hipchat', { room_id: 7, notification_token: 't', rate_limit: 3 })).config, { room_id: '7', notification_token: 't', rate_limit: 3 });
  assert.deepEqual((await create('webhook', { url: 'https://h.example/x' })).config, { url: 'https://h.example/x' });
});

test('a bad rate_limit is a 400 naming config.rate_limit', async () => {
  for (const bad of [0, -1, 1001, '10', null, true]) {
    await assert.rejects(create('webhook', { url: 'https://h.example/x', rate_limit: bad }), (err: unknown) => {
      assert.ok(err instanceof ValidationError, String(err));
      assert.equal(err.field, 'config.rate_limit', JSON.stringify(bad));
      assert.match(err.message, /greater than 0 and at most 1000/);
      return true;
    });
  }
});
