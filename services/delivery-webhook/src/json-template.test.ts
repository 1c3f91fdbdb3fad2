import { test } from 'node:test';
import assert from 'node:assert/strict';
import { sampleEvent, toQuayPayload } from '@herald/events';
import { TemplateCache } from './json-template.js';

const payload = toQuayPayload(sampleEvent('repo_push', { repository: 'acme/web', body: { updated_tags: ['latest', 'v1'] } }));

test('a cached template renders the Quay payload with Quay semantics', () => {
  const cache = new TemplateCache();
  const t = cache.get('{"tags": "${updated_tags}", "text": "Pushed ${repository}: ${updated_tags[*]}", "none": "${missing}"}');
  assert.equal(cache.get('{"tags": "${updated_tags}", "text": "Pushed ${repository}: ${updated_tags[*]}", "none": "${missing}"}'), t);
  assert.deepEqual(JSON.parse(t.render(payload)), { tags: ['latest', 'v1'], text: 'Pushed acme/web: latest,v1', none: null });
});

test('a template that cannot be used is a permanent config error naming the reason', () => {
  const cache = new TemplateCache();
  assert.throws(() => cache.get('{nope'), { code: 'CONFIG_INVALID', retriable: false });
  assert.throws(() => cache.get('{"a":"${$.x[}"}'), { code: 'CONFIG_INVALID', message: /invalid expression/ });
  assert.throws(() => cache.get('['.repeat(3_000) + ']'.repeat(3_000)), { code: 'CONFIG_INVALID', message: /limit is 32 levels/ });
});

test('the cache is bounded', () => {
  const cache = new TemplateCache(2);
  const a = cache.get('{"a": 1}');
  cache.get('{"b": 1}');
  cache.get('{"c": 1}');
  assert.notEqual(cache.get('{"a": 1}'), a);
});
