import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ValidationError } from '@herald/errors';
import { TAG_LIST_FIELDS, checkTagFilter as serverCheck, tagMatcher } from '@herald/events';
import { EVENTS } from './catalog.js';
import { EXAMPLE_TAGS, checkTagFilter, describeTagFilter, splitList, tagFilterEntries, tagFilterOf } from './tag-filter.js';

const TAGS = [...EXAMPLE_TAGS, 'v1.10.0', 'V1.2', 'release-2026.12', 'a*b', 'a[b', 'x-y', 'dev-', '-dev', 'v1', '1.2.3-rc.1'];

/** The server's 400 for this filter: [field, message without the field prefix], or undefined when valid. */
function server(ec: Record<string, unknown>): [string, string] | undefined {
  try {
    serverCheck('repo_push', ec);
    return undefined;
  } catch (err) {
    assert.ok(err instanceof ValidationError);
    return [err.field, err.message.slice(err.field.length + 2)];
  }
}

test('the events that list tags are the ones the form offers the tag filter on', () => {
  assert.deepEqual(EVENTS.filter((e) => e.tagFilter).map((e) => e.kind).sort(), Object.keys(TAG_LIST_FIELDS).sort());
});

test('globs and regexes match the tags the router lets through', () => {
  const globs = ['v1.*', 'latest', 'dev-*', '?.?', '[!v]*', '[a-c]\\*b', 'a\\[b', 'release-20[0-9][0-9].*', '*-rc.*', '[]x]-y', '[-x]-y'];
  for (const g of globs) {
    const mine = checkTagFilter('glob', g);
    assert.ok(mine.ok, g);
    const router = tagMatcher({ 'tag-glob': [g] });
    assert.ok(router);
    for (const t of TAGS) assert.equal(mine.matches(t), router.matches(t), `${g} on ${t}`);
  }
  const both = checkTagFilter('glob', 'v1.*, latest  dev-*');
  assert.ok(both.ok);
  assert.deepEqual(TAGS.filter((t) => both.matches(t)), ['latest', 'v1.2.3', 'dev-abc123', 'v1.10.0', 'dev-']);
  for (const r of ['v[0-9]+\\.[0-9]+\\.[0-9]+', 'latest|dev-.*', 'v1', '.*\\.2.*', '(?i)v1.*'.slice(4)]) {
    const mine = checkTagFilter('regex', r);
    assert.ok(mine.ok, r);
    const router = tagMatcher({ 'tag-regex': r });
    assert.ok(router);
    for (const t of TAGS) assert.equal(mine.matches(t), router.matches(t), `${r} on ${t}`);
  }
});

test('a malformed glob is refused with the server’s field and message', () => {
  for (const globs of [['v[1'], ['ok', 'z\\'], ['[!'], ['a', 'b', '[]']]) {
    const mine = checkTagFilter('glob', globs.join(', '));
    assert.equal(mine.ok, false, globs.join(','));
    assert.deepEqual(server({ 'tag-glob': globs }), [mine.problem.field, mine.problem.message]);
  }
  const many = Array.from({ length: 51 }, (_, i) => `t${i}`);
  const mine = checkTagFilter('glob', many.join(','));
  assert.ok(!mine.ok);
  assert.deepEqual(server({ 'tag-glob': many }), [mine.problem.field, mine.problem.message]);
  // A class range backwards: RE2's wording differs from the browser's, the field is the same.
  const range = checkTagFilter('glob', '[z-a]');
  assert.ok(!range.ok && range.problem.field === server({ 'tag-glob': ['[z-a]'] })?.[0]);
});

test('a regex RE2 refuses is refused in the browser too: look-around and back-references in RE2’s words', () => {
  for (const r of ['v(?=1)', 'a(?!b)', '(?<=x)y', '(a)\\1']) {
    const mine = checkTagFilter('regex', r);
    assert.ok(!mine.ok, r);
    assert.deepEqual(server({ 'tag-regex': r }), [mine.problem.field, mine.problem.message], r);
  }
  for (const r of ['(unclosed', '[z-a]', 'a**', 'x'.repeat(257)]) {
    const mine = checkTagFilter('regex', r);
    assert.ok(!mine.ok, r);
    assert.equal(server({ 'tag-regex': r })?.[0], mine.problem.field, r);
  }
  // An escaped backslash before a digit is text, not a back-reference, to both.
  assert.ok(checkTagFilter('regex', 'a\\\\1').ok);
  assert.equal(server({ 'tag-regex': 'a\\\\1' }), undefined);
});

test('what the form sends, shows again and says in the list', () => {
  assert.deepEqual(splitList(' v1.*, latest ,,dev-* '), ['v1.*', 'latest', 'dev-*']);
  assert.deepEqual(tagFilterEntries('glob', 'v1.*, latest'), { 'tag-glob': ['v1.*', 'latest'] });
  assert.deepEqual(tagFilterEntries('regex', ' v[0-9]+ '), { 'tag-regex': 'v[0-9]+' });
  assert.deepEqual(tagFilterEntries('all', 'v1.*'), {});
  assert.deepEqual(tagFilterEntries('glob', ' , '), {});
  assert.deepEqual(tagFilterOf({ 'tag-glob': ['v1.*', 'latest'] }), { mode: 'glob', text: 'v1.*, latest' });
  assert.deepEqual(tagFilterOf({ 'tag-regex': 'v.*', level: 1 }), { mode: 'regex', text: 'v.*' });
  assert.deepEqual(tagFilterOf({ days: 7 }), { mode: 'all', text: '' });
  assert.equal(describeTagFilter({ 'tag-glob': ['v1.*', 'latest'] }), 'tags v1.*, latest');
  assert.equal(describeTagFilter({ 'tag-regex': 'v.*' }), 'tags matching /v.*/');
});
