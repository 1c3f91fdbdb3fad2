import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isEmailAddress, normalizeEmail } from './email-address.js';

test('e-mail addresses', () => {
  for (const ok of ['a@example.com', 'first.last+tag@sub.example.org', 'x_y@a-b.co']) assert.equal(isEmailAddress(ok), true, ok);
  for (const bad of ['', 'a', 'a@b', '@example.com', 'a@@example.com', 'a b@example.com', 'a@exa mple.com', 'a@-x.com', 'a/b@example.com', 'a\n@example.com', `${'x'.repeat(250)}@example.com`]) {
    assert.equal(isEmailAddress(bad), false, bad);
  }
  assert.equal(normalizeEmail('  Alice@Example.COM '), 'alice@example.com');
});
