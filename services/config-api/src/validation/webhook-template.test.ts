import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ValidationError } from '@herald/errors';
import { webhookTemplate } from './webhook-template.js';

test('templates: a JSON document with well-formed expressions in strings and keys', () => {
  const ok = JSON.stringify({ text: 'pushed ${updated_tags[*]} to ${repository}', n: 1, list: ['${$.docker_url}'], '${name}': true, plain: '$ {not an expression}' });
  assert.equal(webhookTemplate(ok), ok);
  assert.equal(webhookTemplate('"${repository}"'), '"${repository}"');
  // As in Quay, "${" without "}" is literal text.
  assert.equal(webhookTemplate('{"a": "${repository"}'), '{"a": "${repository"}');
  const cases: Array<[unknown, RegExp]> = [
    [42, /must be a string/],
    ['{', /not a JSON document/],
    ['{"a": ["${}"]}', /empty expression/],
    ['{"${a b}": 1}', /invalid expression/],
    ['{"a": "${first[}"}', /invalid expression/],
    [JSON.stringify({ a: 'x'.repeat(70_000) }), /the limit is 65536 bytes/],
    ['['.repeat(30_000) + ']'.repeat(30_000), /nests 30000 levels deep; the limit is 32 levels/],
  ];
  for (const [input, message] of cases) {
    assert.throws(() => webhookTemplate(input), (e: unknown) => e instanceof ValidationError && e.field === 'config.template' && message.test(e.message));
  }
});
