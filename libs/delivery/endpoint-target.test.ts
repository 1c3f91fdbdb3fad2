import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { NotificationDoc } from '@herald/subscriptions';
import { destinationOf, destinationOfUrl, rateLimitOf } from './endpoint-target.js';

const doc = (config: Record<string, unknown>) => ({ config }) as unknown as NotificationDoc;

test('a destination is host:port of the URL, the default port spelled out', () => {
  assert.equal(destinationOfUrl('https://Hooks.Example.com/services/T/B/X'), 'hooks.example.com:443');
  assert.equal(destinationOfUrl('http://ci.example.com/hook?token=x'), 'ci.example.com:80');
  assert.equal(destinationOfUrl('http://127.0.0.1:8080/a'), '127.0.0.1:8080');
  assert.equal(destinationOfUrl('https://[::1]:9443/'), '[::1]:9443');
  assert.equal(destinationOfUrl('not a url'), undefined);
  assert.equal(destinationOf(doc({ url: 'https://h.example/x' })), 'h.example:443');
  assert.equal(destinationOf(doc({ email: 'a@example.com' })), undefined, 'no URL, no destination');
});

test("the notification's rate limit is config.rate_limit when it is a positive number", () => {
  assert.equal(rateLimitOf(doc({ url: 'https://h.example', rate_limit: 2.5 })), 2.5);
  assert.equal(rateLimitOf(doc({ url: 'https://h.example' })), undefined);
  assert.equal(rateLimitOf(doc({ rate_limit: 0 })), undefined);
  assert.equal(rateLimitOf(doc({ rate_limit: '5' })), undefined);
});
