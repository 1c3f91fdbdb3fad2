import { test } from 'node:test';
import assert from 'node:assert/strict';
import { TEMPLATE_LIMITS, nestingDepth } from './bounds.js';
import { JsonTemplate } from './json-template.js';
import { TemplateError } from './template-error.js';

const nested = (depth: number): string => '['.repeat(depth) + ']'.repeat(depth);

test('nesting depth counts brackets outside strings only', () => {
  assert.equal(nestingDepth('{}'), 1);
  assert.equal(nestingDepth('{"a": [{"b": "[[[{{{"}]}'), 3);
  assert.equal(nestingDepth('{"a": "\\"[[["}'), 1);
  assert.equal(nestingDepth(nested(30_000)), 30_000);
});

test('a template at the depth limit is accepted, one level deeper is refused naming the limit', () => {
  assert.doesNotThrow(() => new JsonTemplate(nested(TEMPLATE_LIMITS.maxDepth)));
  for (const depth of [TEMPLATE_LIMITS.maxDepth + 1, 3_000, 30_000]) {
    assert.throws(
      () => new JsonTemplate(nested(depth)),
      (err: unknown) => err instanceof TemplateError && err.reason === 'too_deep' && /the limit is 32 levels/.test(err.message),
    );
  }
});

test('a template over 64 KiB (UTF-8 bytes) is refused naming the limit', () => {
  const fits = JSON.stringify({ a: 'x'.repeat(TEMPLATE_LIMITS.maxBytes - 10) });
  assert.ok(Buffer.byteLength(fits) <= TEMPLATE_LIMITS.maxBytes);
  assert.doesNotThrow(() => new JsonTemplate(fits));
  const multiByte = JSON.stringify({ a: 'é'.repeat(TEMPLATE_LIMITS.maxBytes / 2) });
  assert.ok(multiByte.length < TEMPLATE_LIMITS.maxBytes);
  assert.throws(
    () => new JsonTemplate(multiByte),
    (err: unknown) => err instanceof TemplateError && err.reason === 'too_large' && /the limit is 65536 bytes \(64 KiB\)/.test(err.message),
  );
});
