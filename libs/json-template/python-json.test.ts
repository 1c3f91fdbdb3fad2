import { test } from 'node:test';
import assert from 'node:assert/strict';
import { quayJson } from './python-json.js';

// Each expected text is what CPython 3's json.dumps(value) prints for the same value.
const CASES: [unknown, string][] = [
  [{}, '{}'],
  [[], '[]'],
  [null, 'null'],
  [{ a: 1, b: [1, 2, { c: null }], d: true, e: false }, '{"a": 1, "b": [1, 2, {"c": null}], "d": true, "e": false}'],
  [{ 'k:,': 'v, w: x' }, '{"k:,": "v, w: x"}'],
  [{ q: 'say "hi", \\ ok' }, '{"q": "say \\"hi\\", \\\\ ok"}'],
  [{ ctl: '\n\t\r\b\f\u0001\u001f\u007f' }, '{"ctl": "\\n\\t\\r\\b\\f\\u0001\\u001f\\u007f"}'],
  [{ u: 'café ü €' }, '{"u": "caf\\u00e9 \\u00fc \\u20ac"}'],
  [{ astral: '😀' }, '{"astral": "\\ud83d\\ude00"}'],
  [{ bidi: 'a\u202Eb' }, '{"bidi": "a\\u202eb"}'],
  [['a', 'b'], '["a", "b"]'],
  [-12, '-12'],
];

test('quayJson prints what Python json.dumps prints', () => {
  for (const [value, expected] of CASES) {
    assert.equal(quayJson(value), expected, JSON.stringify(value));
    assert.deepEqual(JSON.parse(quayJson(value)), value);
  }
});
