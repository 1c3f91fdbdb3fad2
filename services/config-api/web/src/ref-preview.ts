import { h, replace } from './dom.js';

/**
 * Refs the preview tries a pattern on while the repository has no recent builds with a ref (or
 * they could not be read): the usual shapes of build refs. A pattern that matches none of them is
 * very likely a mistake (`heads/main` never fires: matching starts at `refs/`).
 */
export const EXAMPLE_REFS = ['refs/heads/main', 'refs/heads/release-1.2', 'refs/heads/feature/login', 'refs/tags/v1.2.0', 'refs/tags/nightly'] as const;

/** The refs a preview shows, and whether they are the repository's own or examples. */
export interface PreviewRefs {
  refs: readonly string[];
  recent: boolean;
}

export const EXAMPLES: PreviewRefs = { refs: EXAMPLE_REFS, recent: false };

/** The repository's recent refs (newest first, from `GET …/recentrefs`), or the examples when it has none. */
export function previewRefs(recent: readonly string[]): PreviewRefs {
  return recent.length > 0 ? { refs: recent, recent: true } : EXAMPLES;
}

/** The caption above the list: whose refs these are. */
export function sourceCaption(p: PreviewRefs): string {
  return p.recent
    ? `The last ${p.refs.length === 1 ? 'ref' : `${p.refs.length} refs`} built in this repository, newest first:`
    : 'No build with a ref seen in this repository yet; example refs:';
}

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

/**
 * A live "would match" list under the ref-regex field, updated as the admin types. It starts with
 * `initial` and switches to what `later` resolves to (the repository's recent refs, once read).
 */
export function renderRefPreview(
  control: HTMLInputElement | HTMLTextAreaElement | HTMLSelectElement,
  initial: PreviewRefs = EXAMPLES,
  later?: Promise<PreviewRefs>,
): HTMLElement {
  let shown = initial;
  const source = h('p', { class: 'hint ref-preview-source' });
  const list = h('ul', { class: 'ref-preview-list' });
  const summary = h('p', { class: 'hint ref-preview-summary' });
  const root = h('div', { class: 'ref-preview', 'data-ref-preview': '', 'aria-live': 'polite' }, source, summary, list);
  const update = (): void => {
    root.dataset['refSource'] = shown.recent ? 'recent' : 'examples';
    replace(source, sourceCaption(shown));
    const pattern = control.value.trim();
    const match = pattern === '' ? () => true : refMatcher(pattern);
    if (!match) {
      replace(summary, 'Not a valid regular expression.');
      replace(list);
      return;
    }
    const hits = shown.refs.filter((r) => match(r));
    replace(summary, pattern === '' ? 'Empty: every build fires.' : hits.length === 0 ? 'Would match none of these refs:' : 'Would match:');
    replace(
      list,
      ...shown.refs.map((r) =>
        h('li', { class: hits.includes(r) ? 'ref-match' : 'ref-miss', 'data-matches': String(hits.includes(r)) }, h('code', {}, r), hits.includes(r) ? ' ✓' : ' ✗'),
      ),
    );
  };
  control.addEventListener('input', update);
  update();
  void later?.then((p) => {
    shown = p;
    update();
  });
  return root;
}
