import { test } from 'node:test';
import assert from 'node:assert/strict';
import { JsonTemplate, NO_MATCH } from './json-template.js';
import { TemplateError } from './template-error.js';

// Quay's own cases: quay/quay util/test/test_jsontemplate.py (test_json_template), one row each.
const QUAY_CASES: { id: string; template: string; data: unknown; expected: unknown }[] = [
  { id: 'empty', template: '{}', data: {}, expected: {} },
  { id: 'literal', template: '{"hello": "world"}', data: {}, expected: { hello: 'world' } },
  { id: 'direct expression', template: '{"hello": "${thing}"}', data: { thing: 1234 }, expected: { hello: 1234 } },
  { id: 'inline expression', template: '{"hello": "cool-${thing}"}', data: { thing: 'beans' }, expected: { hello: 'cool-beans' } },
  { id: 'nested object', template: '{"hello": "${first.second.third}"}', data: { first: { second: { third: 42 } } }, expected: { hello: 42 } },
  {
    id: 'nested object with inline expression',
    template: '{"hello": "${first.second.third} is the answer"}',
    data: { first: { second: { third: 42 } } },
    expected: { hello: '42 is the answer' },
  },
  {
    id: 'inline expression with unknown child',
    template: '{"hello": "${first.doesnotexist.third}"}',
    data: { first: { second: { third: 42 } } },
    expected: { hello: null },
  },
  { id: 'array access', template: '{"hello": "${first[2]}"}', data: { first: [1, 2, 42] }, expected: { hello: 42 } },
  { id: 'outside of array index', template: '{"hello": "${first[2]}"}', data: { first: [1, 2] }, expected: { hello: null } },
  { id: 'array to list', template: '{"hello": ["${first[1]}", "${first[0]}"]}', data: { first: [1, 2] }, expected: { hello: [2, 1] } },
  {
    id: 'outside of array index inline expression',
    template: '{"hello": "hey-${first[2]}"}',
    data: { first: [1, 2] },
    expected: { hello: 'hey-(none)' },
  },
  {
    id: 'match multiples inline',
    template: '{"hello": "${tags[*]}"}',
    data: { tags: ['latest', 'prod', 'foo'] },
    expected: { hello: ['latest', 'prod', 'foo'] },
  },
  {
    id: 'match multiples with inline expression',
    template: '{"hello": "tags: ${tags[*]}"}',
    data: { tags: ['latest', 'prod', 'foo'] },
    expected: { hello: 'tags: latest,prod,foo' },
  },
];

const QUAY_INVALID: { id: string; template: string }[] = [
  { id: 'invalid template', template: '{"hello": "}' },
  { id: 'empty expression', template: '{"hello": "${}"}' },
  { id: 'invalid expression', template: '{"hello": "${;;}"}' },
  { id: 'another invalid expression', template: '{"hello": "${first[}"}' },
];

for (const c of QUAY_CASES) {
  test(`Quay case: ${c.id}`, () => {
    assert.deepStrictEqual(new JsonTemplate(c.template).apply(c.data), c.expected);
  });
}

for (const c of QUAY_INVALID) {
  test(`Quay case refused: ${c.id}`, () => {
    assert.throws(() => new JsonTemplate(c.template), (err: unknown) => err instanceof TemplateError && err.code === 'TEMPLATE_INVALID');
  });
}

test('embedded values print as Python str() does', () => {
  const t = new JsonTemplate('{"a": "${yes} ${no} ${nil} ${one} ${obj} ${n}", "b": "x ${many}"}');
  const out = t.apply({ yes: true, no: false, nil: null, one: ["it's"], obj: { k: 'v', z: [1, null] }, n: 1.5, many: [1, true, 'x'] });
  assert.deepStrictEqual(out, { a: `True False ${NO_MATCH} ["it's"] {'k': 'v', 'z': [1, None]} 1.5`, b: 'x 1,True,x' });
});

test('one match whose value is an array is that array; embedded, a list of several joins with ","', () => {
  const t = new JsonTemplate('{"tags": "${updated_tags}", "text": "pushed ${updated_tags}"}');
  assert.deepStrictEqual(t.apply({ updated_tags: ['latest', 'v1'] }), { tags: ['latest', 'v1'], text: 'pushed latest,v1' });
});

test('keys are templates too; a non-string key becomes its JSON text', () => {
  const t = new JsonTemplate('{"${namespace}-key": 1, "${n}": 2, "${missing}": 3}');
  assert.deepStrictEqual(t.apply({ namespace: 'acme', n: 7 }), { 'acme-key': 1, '7': 2, null: 3 });
});

test('the JSONPath Quay accepts: root, dots, recursive descent, wildcards, slices, negative indexes, quoted names', () => {
  const data = { a: { b: [{ c: 1 }, { c: 2 }, { c: 3 }] }, 'x y': 'quoted' };
  const cases: [string, unknown][] = [
    ['$.a.b[0].c', 1],
    ['a.b[*].c', [1, 2, 3]],
    ['$..c', [1, 2, 3]],
    ['a.b[-1].c', 3],
    ['a.b[0:2].c', [1, 2]],
    ["$['x y']", 'quoted'],
    ['a.*[1].c', 2],
    [' a.b[1].c ', 2],
  ];
  for (const [expr, expected] of cases) assert.deepStrictEqual(new JsonTemplate(JSON.stringify({ v: `\${${expr}}` })).apply(data), { v: expected }, expr);
});

test('where jsonpath-rw and RFC 9535 evaluate differently, Herald follows RFC 9535 (documented in the README)', () => {
  const data = { obj: { a: 1, b: 2 }, list: ['x', 'y'], s: 'abc' };
  const t = new JsonTemplate('{"objAll": "${obj[*]}", "listAll": "${list.*}", "char": "${s[0]}", "far": "${list[-5]}"}');
  // jsonpath-rw (checked with jsonpath-ng 1.8): {"a":1,"b":2} itself, nothing, "a", IndexError (Quay: null).
  assert.deepStrictEqual(t.apply(data), { objAll: [1, 2], listAll: ['x', 'y'], char: null, far: null });
});

test('literals, nested arrays and an unterminated ${ pass through', () => {
  const t = new JsonTemplate('{"a": [1, true, null, {"b": "${x}"}], "c": "${not closed"}');
  assert.deepStrictEqual(t.apply({ x: 'y' }), { a: [1, true, null, { b: 'y' }], c: '${not closed' });
});

test('regular-expression filter functions are refused', () => {
  assert.throws(() => new JsonTemplate('{"a": "${$.tags[?match(@, \'a.*\')]}"}'), /invalid expression/);
  assert.deepStrictEqual(new JsonTemplate('{"a": "${$.tags[?@ == \'v1\']}"}').apply({ tags: ['latest', 'v1'] }), { a: 'v1' });
});

test('render keeps what json.loads keeps: member order (integer-like keys too), duplicate keys, float literals', () => {
  // Each expected text is CPython's json.dumps(json.loads(template)) (a template without expressions).
  const cases: [string, string][] = [
    ['{"2": "a", "1": "b", "x": [1.0, 2, 1e2, 0.5, true, null, {}], "10": {"b": 1, "a": 2}}', '{"2": "a", "1": "b", "x": [1.0, 2, 100.0, 0.5, true, null, {}], "10": {"b": 1, "a": 2}}'],
    ['{"k": 1, "k": 2, "j": 3}', '{"k": 2, "j": 3}'],
    ['[{"é": "ü"}, -0.0, 12, 1.5e17, 0.00001]', '[{"\\u00e9": "\\u00fc"}, -0.0, 12, 1.5e+17, 1e-05]'],
    [' { "a" : [ ] , "b" : { } } ', '{"a": [], "b": {}}'],
  ];
  for (const [template, expected] of cases) assert.equal(new JsonTemplate(template).render({}), expected, template);
  // Keys that render to the same text: the last value, in the first one's place (a Python dict).
  assert.equal(new JsonTemplate('{"${a}": 1, "z": 2, "${b}": 3}').render({ a: 'k', b: 'k' }), '{"k": 3, "z": 2}');
});

test('render gives the JSON text Quay sends (json.dumps)', () => {
  assert.equal(new JsonTemplate('{"r": "${repository}", "t": "${tags}"}').render({ repository: 'acme/wéb', tags: ['a', 'b'] }), '{"r": "acme/w\\u00e9b", "t": ["a", "b"]}');
});
