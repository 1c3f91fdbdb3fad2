import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ValidationError } from '@herald/errors';
import { sampleData } from './samples.js';
import { anyTagMatches, checkTagFilter, filterEventTags, globToRe2, hasTagFilter, tagMatcher } from './tag-filter.js';

const glob = (...patterns: string[]) => tagMatcher({ 'tag-glob': patterns });
const regex = (pattern: string) => tagMatcher({ 'tag-regex': pattern });
const matching = (config: Record<string, unknown>, tags: string[]) => tags.filter((t) => tagMatcher(config)?.matches(t));

test('a glob matches whole tags: * any run, ? one character, the rest literally', () => {
  const m = glob('v1.*');
  assert.ok(m);
  assert.deepEqual(['v1.0', 'v1.', 'v1.2.3-rc1', 'v10', 'v1', 'xv1.0', 'v1x0'].filter((t) => m.matches(t)), ['v1.0', 'v1.', 'v1.2.3-rc1']);
  assert.deepEqual(matching({ 'tag-glob': ['latest'] }, ['latest', 'latest-1', 'not-latest']), ['latest']);
  assert.deepEqual(matching({ 'tag-glob': ['v?'] }, ['v1', 'v12', 'v', 'va']), ['v1', 'va']);
  assert.deepEqual(matching({ 'tag-glob': ['*'] }, ['a', 'anything.at_all-1']), ['a', 'anything.at_all-1']);
  // Regex metacharacters in a glob are literal.
  assert.deepEqual(matching({ 'tag-glob': ['a+b(c)|d'] }, ['a+b(c)|d', 'aab(c)', 'd']), ['a+b(c)|d']);
});

test('glob character classes: sets, ranges, negation with ! or ^, a leading ] and escapes', () => {
  assert.deepEqual(matching({ 'tag-glob': ['v[0-9]'] }, ['v0', 'v9', 'va', 'v10']), ['v0', 'v9']);
  assert.deepEqual(matching({ 'tag-glob': ['[!0-9]*'] }, ['a1', '1a', '_x']), ['a1', '_x']);
  assert.deepEqual(matching({ 'tag-glob': ['[^ab]'] }, ['a', 'c']), ['c']);
  assert.deepEqual(matching({ 'tag-glob': ['[ab.]x'] }, ['ax', '.x', 'cx']), ['ax', '.x']);
  assert.deepEqual(matching({ 'tag-glob': ['[]a]'] }, [']', 'a', 'b']), [']', 'a']);
  assert.deepEqual(matching({ 'tag-glob': ['v\\*'] }, ['v*', 'v1']), ['v*']);
  assert.equal(globToRe2('v1.*'), 'v1\\..*');
});

test('several globs: a tag passes when it matches any of them', () => {
  assert.deepEqual(matching({ 'tag-glob': ['v1.*', 'latest'] }, ['latest', 'v1.2', 'v2.0', 'dev']), ['latest', 'v1.2']);
});

test('tag-regex is RE2 matched against the whole tag (as Quay fullmatch), not searched', () => {
  assert.deepEqual(matching({ 'tag-regex': '^v[0-9]+$' }, ['v1', 'v22', 'v1.0', 'xv1']), ['v1', 'v22']);
  // Without anchors it still matches whole tags only: "v1" does not pass for "v1.0" or "prod-v1".
  assert.deepEqual(matching({ 'tag-regex': 'v[0-9]+' }, ['v1', 'v1.0', 'prod-v1']), ['v1']);
  assert.deepEqual(matching({ 'tag-regex': '(v2\\..*)|(latest)' }, ['v2.1', 'latest', 'v3.0']), ['v2.1', 'latest']);
  // Alternation binds inside the anchors.
  assert.deepEqual(matching({ 'tag-regex': 'a|b' }, ['a', 'b', 'ab']), ['a', 'b']);
  // RE2 runs in linear time: a pattern that backtracks catastrophically elsewhere is quick here.
  const t0 = performance.now();
  assert.equal(regex('(a+)+$')?.matches(`${'a'.repeat(5_000)}!`), false);
  assert.ok(performance.now() - t0 < 1_000);
});

test('no filter: no matcher, and the check costs two property reads', () => {
  assert.equal(tagMatcher({}), undefined);
  assert.equal(tagMatcher({ level: 3 }), undefined);
  assert.equal(hasTagFilter({ 'ref-regex': 'x' }), false);
  assert.equal(hasTagFilter({ 'tag-glob': ['x'] }), true);
  const config = { 'tag-glob': ['v*'] };
  assert.equal(tagMatcher(config), tagMatcher(config), 'compiled once per config object');
  assert.equal(tagMatcher({ 'tag-glob': ['v*'] }), tagMatcher(config), 'and shared by equal patterns');
});

test('a stored pattern that does not compile matches nothing instead of throwing', () => {
  assert.equal(tagMatcher({ 'tag-regex': '(' })?.matches('('), false);
  assert.equal(tagMatcher({ 'tag-glob': ['[abc'] })?.matches('a'), false);
});

test('anyTagMatches: at least one tag, never for an empty list', () => {
  const m = glob('v*');
  assert.ok(m);
  assert.equal(anyTagMatches(m, ['dev', 'v1']), true);
  assert.equal(anyTagMatches(m, ['dev']), false);
  assert.equal(anyTagMatches(m, []), false);
});

const refused = (kind: string, config: Record<string, unknown>, field: string, message: RegExp) =>
  assert.throws(() => checkTagFilter(kind, config), (e: unknown) => e instanceof ValidationError && e.field === field && message.test(e.message), `${JSON.stringify(config)}`);

test('checkTagFilter keeps a valid filter and refuses an invalid one, naming the field', () => {
  assert.deepEqual(checkTagFilter('repo_push', { 'tag-glob': ['v1.*', 'latest'], level: 2 }), { 'tag-glob': ['v1.*', 'latest'] });
  assert.deepEqual(checkTagFilter('vulnerability_found', { 'tag-regex': '^v[0-9]+$' }), { 'tag-regex': '^v[0-9]+$' });
  assert.deepEqual(checkTagFilter('repo_image_expiry', { 'tag-regex': '', 'tag-glob': [] }), {});
  assert.deepEqual(checkTagFilter('repo_push', { 'tag-regex': null }), {});
  // Kinds without tags drop the keys, as other filters' keys are dropped where they do not apply.
  assert.deepEqual(checkTagFilter('build_success', { 'tag-glob': ['v*'] }), {});
  refused('repo_push', { 'tag-regex': '(unclosed' }, 'eventConfig.tag-regex', /not a valid RE2 regular expression/);
  refused('repo_push', { 'tag-regex': '(?<=x)y' }, 'eventConfig.tag-regex', /not a valid RE2/); // lookbehind: not RE2
  refused('repo_push', { 'tag-regex': 7 }, 'eventConfig.tag-regex', /must be a string/);
  refused('repo_push', { 'tag-regex': 'a'.repeat(257) }, 'eventConfig.tag-regex', /at most 256 characters/);
  refused('repo_push', { 'tag-glob': 'v*' }, 'eventConfig.tag-glob', /must be a list of glob patterns/);
  refused('repo_push', { 'tag-glob': ['ok', ''] }, 'eventConfig.tag-glob[1]', /non-empty string/);
  refused('repo_push', { 'tag-glob': ['v[1-'] }, 'eventConfig.tag-glob[0]', /unclosed "\["/);
  refused('repo_push', { 'tag-glob': ['[z-a]'] }, 'eventConfig.tag-glob[0]', /not a valid glob/);
  refused('repo_push', { 'tag-glob': ['v\\'] }, 'eventConfig.tag-glob[0]', /unfinished escape/);
  refused('repo_push', { 'tag-glob': Array.from({ length: 51 }, (_, i) => `t${i}`) }, 'eventConfig.tag-glob', /at most 50 patterns/);
  refused('repo_push', { 'tag-glob': ['v*'], 'tag-regex': 'v.*' }, 'eventConfig.tag-regex', /cannot be combined with tag-glob/);
  assert.throws(() => checkTagFilter('repo_push', { 'tag-regex': '(' }, 'event_config.'), { field: 'event_config.tag-regex' });
});

test('filterEventTags keeps only the matching tags of the body, on a copy', () => {
  const push = sampleData('repo_push');
  push.body.updated_tags = ['latest', 'v1.0', 'v2.0', 'dev'];
  const filtered = filterEventTags(push, { 'tag-glob': ['v1.*', 'latest'] });
  assert.deepEqual(filtered.body.updated_tags, ['latest', 'v1.0']);
  assert.deepEqual(push.body.updated_tags, ['latest', 'v1.0', 'v2.0', 'dev'], 'the event itself is unchanged');
  assert.equal(filtered.event_id, push.event_id);
  const vuln = sampleData('vulnerability_found');
  vuln.body.tags = ['v1', 'v1.0', 'prod'];
  assert.deepEqual(filterEventTags(vuln, { 'tag-regex': 'v[0-9]+' }).body.tags, ['v1']);
  const expiry = sampleData('repo_image_expiry');
  assert.deepEqual(filterEventTags(expiry, { days: 7, 'tag-glob': ['*.1'] }).body.tags, ['v1.0.1']);
  // No filter, all tags matching, or a kind without tags: the very same event.
  assert.equal(filterEventTags(push, {}), push);
  assert.equal(filterEventTags(push, { 'tag-glob': ['*'] }), push);
  const build = sampleData('build_success');
  assert.equal(filterEventTags(build, { 'tag-glob': ['x'] }), build);
});
