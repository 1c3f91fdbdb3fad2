import { test } from 'node:test';
import assert from 'node:assert/strict';
import { sampleEvent, toQuayPayload } from '@herald/events';
import { parseJsonPath } from './json-path.js';
import { JsonTemplate, NO_MATCH } from './json-template.js';

const payload = toQuayPayload(sampleEvent('repo_push', { repository: 'acme/web', body: { updated_tags: ['latest', 'v1'] } }));
const render = (t: unknown) => JSON.parse(new JsonTemplate(JSON.stringify(t)).render(payload)) as unknown;

test('a string that is exactly one expression becomes the raw value', () => {
  assert.deepEqual(render({ tags: '${updated_tags}', repo: '${$.repository}', first: '${$.updated_tags[0]}' }), {
    tags: ['latest', 'v1'],
    repo: 'acme/web',
    first: 'latest',
  });
});

test('embedded expressions are stringified; several matches are joined with ","; missing is (none)', () => {
  assert.deepEqual(render({ text: 'Pushed ${repository}: ${$.updated_tags[*]}', n: 'x ${$.nope}', all: '${$.updated_tags[*]}', none: '${missing}' }), {
    text: 'Pushed acme/web: latest,v1',
    n: `x ${NO_MATCH}`,
    all: 'latest,v1',
    none: NO_MATCH,
  });
});

test('nested documents, arrays, literals, keys and recursive descent', () => {
  const vuln = toQuayPayload(sampleEvent('vulnerability_found', { repository: 'acme/db' }));
  const t = new JsonTemplate(JSON.stringify({ a: [{ id: '${..id}' }, 3, true, null], '${namespace}-key': '${$.vulnerability.priority}' }));
  const out = JSON.parse(t.render(vuln)) as Record<string, unknown>;
  assert.deepEqual(out['a'], [{ id: vuln.vulnerability.id }, 3, true, null]);
  assert.equal(out['acme-key'], vuln.vulnerability.priority);
  assert.match((render({ obj: 'all: ${$}' }) as { obj: string }).obj, /^all: \{"repository":"acme\/web"/);
});

test('the JSONPath subset', () => {
  assert.deepEqual(parseJsonPath('$.a.b'), [{ kind: 'child', name: 'a' }, { kind: 'child', name: 'b' }]);
  assert.deepEqual(parseJsonPath("a['b c'][2].*"), [{ kind: 'child', name: 'a' }, { kind: 'child', name: 'b c' }, { kind: 'index', index: 2 }, { kind: 'wildcard' }]);
  assert.deepEqual(parseJsonPath('$..x'), [{ kind: 'descendant', name: 'x' }]);
  for (const bad of ['$.a[?(@.b)]', 'a()', '$[-1]', 'constructor.constructor("x")()']) assert.equal(parseJsonPath(bad), undefined, bad);
});

test('a template that is not JSON or uses an unsupported expression is a permanent config error', () => {
  assert.throws(() => new JsonTemplate('{nope'), { code: 'CONFIG_INVALID', retriable: false });
  assert.throws(() => new JsonTemplate('{"a":"${$.x[?(@)]}"}'), { code: 'CONFIG_INVALID' });
});
