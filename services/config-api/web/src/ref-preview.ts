import { h, replace } from './dom.js';

/**
 * Refs the preview tries a pattern on. Herald keeps no record of a repository's builds, so these are
 * the usual shapes of build refs: a pattern that matches none of them is very likely a mistake
 * (`heads/main` never fires: matching starts at `refs/`).
 */
export const EXAMPLE_REFS = ['refs/heads/main', 'refs/heads/release-1.2', 'refs/heads/feature/login', 'refs/tags/v1.2.0', 'refs/tags/nightly'] as const;

/**
 * How the router matches a `ref-regex` (libs/routing, as Quay's `re.match`): from the start of the
 * full ref, not necessarily to its end. Undefined when the browser cannot compile the pattern (the
 * server, which uses RE2, has the last word).
 */
export function refMatcher(pattern: string): ((ref: string) => boolean) | undefined {
  try {
    const re = new RegExp(`^(?:${pattern})`);
    return (ref) => re.test(ref);
  } catch {
    return undefined;
  }
}

/** A live "would match" list under the ref-regex field, updated as the admin types. */
export function renderRefPreview(control: HTMLInputElement | HTMLTextAreaElement | HTMLSelectElement, refs: readonly string[] = EXAMPLE_REFS): HTMLElement {
  const list = h('ul', { class: 'ref-preview-list' });
  const summary = h('p', { class: 'hint ref-preview-summary' });
  const root = h('div', { class: 'ref-preview', 'data-ref-preview': '', 'aria-live': 'polite' }, summary, list);
  const update = (): void => {
    const pattern = control.value.trim();
    const match = pattern === '' ? () => true : refMatcher(pattern);
    if (!match) {
      replace(summary, 'Not a valid regular expression.');
      replace(list);
      return;
    }
    const hits = refs.filter((r) => match(r));
    replace(summary, pattern === '' ? 'Empty: every build fires.' : hits.length === 0 ? 'Would match none of these refs:' : 'Would match:');
    replace(
      list,
      ...refs.map((r) =>
        h('li', { class: hits.includes(r) ? 'ref-match' : 'ref-miss', 'data-matches': String(hits.includes(r)) }, h('code', {}, r), hits.includes(r) ? ' ✓' : ' ✗'),
      ),
    );
  };
  control.addEventListener('input', update);
  update();
  return root;
}
