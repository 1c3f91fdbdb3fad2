import { test } from 'node:test';
import assert from 'node:assert/strict';
import { RE2JS } from 're2js';
import { EVENTS } from './catalog.js';
import { EXAMPLE_REFS, previewRefs, refMatcher, sourceCaption } from './ref-preview.js';

// The router's matching (libs/routing filters.ts): RE2, anchored at the start of the full ref.
const routerMatches = (pattern: string, ref: string): boolean => RE2JS.compile(pattern).matcher(ref).lookingAt();

test("the ref-regex placeholder is Quay's form and fires in the router; the old heads/main never does", () => {
  const spec = EVENTS.find((e) => e.kind === 'build_success')?.filters.find((f) => f.key === 'eventConfig.ref-regex');
  assert.equal(spec?.placeholder, '(refs/heads/somebranch)|(refs/tags/sometag)');
  const placeholder = spec.placeholder;
  assert.ok(routerMatches(placeholder, 'refs/heads/somebranch') && routerMatches(placeholder, 'refs/tags/sometag'));
  assert.ok(!routerMatches(placeholder, 'refs/heads/other'));
  assert.ok(EXAMPLE_REFS.every((r) => !routerMatches('heads/main', r)), 'heads/main matches no full ref');
});

test('the preview matches as the router does', () => {
  for (const pattern of ['(refs/heads/main)|(refs/tags/v.*)', 'refs/heads/', 'refs/tags/v[0-9]+\\.', 'heads/main', '.*release', 'refs/heads/main$']) {
    const match = refMatcher(pattern);
    assert.ok(match, pattern);
    for (const ref of EXAMPLE_REFS) assert.equal(match(ref), routerMatches(pattern, ref), `${pattern} on ${ref}`);
  }
  assert.equal(refMatcher('(unclosed'), undefined);
});

test("the preview shows the repository's recent refs, and labelled examples when it has none", () => {
  const recent = previewRefs(['refs/heads/release-2', 'refs/tags/v1.0.0']);
  assert.deepEqual(recent, { refs: ['refs/heads/release-2', 'refs/tags/v1.0.0'], recent: true });
  assert.match(sourceCaption(recent), /^The last 2 refs built in this repository, newest first/);
  assert.match(sourceCaption(previewRefs(['refs/heads/main'])), /^The last ref built/);
  const none = previewRefs([]);
  assert.deepEqual(none, { refs: EXAMPLE_REFS, recent: false });
  assert.match(sourceCaption(none), /example refs/);
});
