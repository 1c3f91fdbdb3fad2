import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ValidationError } from '@herald/errors';
import { isTemplateExpression, webhookTemplate } from './webhook-template.js';

test('JSONPath expressions the renderer understands', () => {
  for (const ok of ['$', 'repository', '$.repository', '.repository', 'updated_tags[0]', '$.updated_tags[*]', 'a.b.c', "a['x y']", '$..name', 'a.*', 'trigger_metadata.commit_info.author.avatar_url']) {
    assert.equal(isTemplateExpression(ok), true, ok);
  }
  for (const bad of ['', ' ', 'a b', 'a..', 'a[', 'a[x]', '$$', 'a.b(', '1abc', `${'a.'.repeat(200)}a`]) {
    assert.equal(isTemplateExpression(bad), false, bad);
  }
});

test('templates: a JSON document with well-formed expressions in strings and keys', () => {
  const ok = JSON.stringify({ text: 'pushed ${updated_tags[*]} to ${repository}', n: 1, list: ['${$.docker_url}'], '${name}': true, plain: '$ {not an expression}' });
  assert.equal(webhookTemplate(ok), ok);
  assert.equal(webhookTemplate('"${repository}"'), '"${repository}"');
  const cases: Array<[unknown, RegExp]> = [
    [42, /must be a string/],
    ['{', /not a JSON document/],
    ['{"a": "${repository"}', /unterminated/],
    ['{"a": ["${}"]}', /invalid expression/],
    ['{"${a b}": 1}', /invalid expression/],
    ['x'.repeat(70_000), /at most/],
  ];
  for (const [input, message] of cases) {
    assert.throws(() => webhookTemplate(input), (e: unknown) => e instanceof ValidationError && e.field === 'config.template' && message.test(e.message));
  }
});
