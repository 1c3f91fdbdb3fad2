import { h, replace } from './dom.js';
import { clearFieldError, renderField, type FieldView } from './form-fields.js';
import { EXAMPLE_TAGS, checkTagFilter, splitList, tagFilterEntries, tagFilterOf, type TagFilterMode } from './tag-filter.js';

/** The tag filter's controls in a form: what it sends, and the view a server error about it lands on. */
export interface TagFilterField {
  root: HTMLElement;
  /** The pattern field: errors naming `eventConfig.tag-glob[i]` or `eventConfig.tag-regex` land here. */
  patterns: FieldView;
  views: FieldView[];
  entries(): Record<string, unknown>;
}

const HINTS: Record<TagFilterMode, string> = {
  all: '',
  glob: 'Globs matching whole tags, separated by commas or spaces: * any run of characters, ? one character, [a-z] or [!a-z] one character of (not of) a class, \\x the character x.',
  regex: 'One RE2 regular expression matching whole tags, e.g. v[0-9]+\\.[0-9]+\\.[0-9]+ (no look-around or back-references).',
};

/**
 * "Only for tags": all, glob patterns or an RE2 regular expression, with a live preview over example
 * tags the admin can edit (Herald keeps no list of a repository's tags). The preview shows which tags
 * would fire, or the problem with the pattern in the server's words; the body then lists only those.
 */
export function renderTagFilterField(eventConfig: Record<string, unknown> = {}): TagFilterField {
  const initial = tagFilterOf(eventConfig);
  const mode = renderField({
    key: 'eventConfig.tag-filter-mode',
    label: 'Only for tags',
    kind: 'select',
    options: [
      { value: 'all', label: 'All tags' },
      { value: 'glob', label: 'Matching glob patterns' },
      { value: 'regex', label: 'Matching a regular expression (RE2)' },
    ],
  });
  const patterns = renderField({ key: 'eventConfig.tag-filter', label: 'Tag patterns', kind: 'text', placeholder: 'v1.*, latest' });
  const examples = renderField({ key: 'tag-examples', label: 'Example tags to try', kind: 'text' });
  mode.control.value = initial.mode;
  patterns.control.value = initial.text;
  examples.control.value = EXAMPLE_TAGS.join(', ');
  const hint = h('p', { class: 'hint tag-filter-hint', id: `${patterns.control.id}-hint` });
  patterns.root.insertBefore(hint, patterns.error);
  patterns.control.setAttribute('aria-describedby', `${hint.id} ${patterns.error.id}`);

  const summary = h('p', { class: 'hint tag-preview-summary' });
  const list = h('ul', { class: 'ref-preview-list' });
  const preview = h('div', { class: 'ref-preview', 'data-tag-preview': '', 'aria-live': 'polite' }, summary, list, examples.root);
  const root = h('div', { class: 'tag-filter' }, mode.root, patterns.root, preview);

  const current = (): TagFilterMode => mode.control.value as TagFilterMode;
  const update = (): void => {
    const m = current();
    patterns.root.hidden = m === 'all';
    replace(hint, HINTS[m]);
    patterns.control.setAttribute('placeholder', m === 'regex' ? 'v[0-9]+\\..*|latest' : 'v1.*, latest');
    const tags = splitList(examples.control.value);
    const check = checkTagFilter(m, patterns.control.value);
    preview.dataset['state'] = check.ok ? 'ok' : 'invalid';
    if (!check.ok) {
      replace(summary, check.problem.message);
      summary.dataset['field'] = check.problem.field;
      replace(list);
      return;
    }
    delete summary.dataset['field'];
    const hits = tags.filter((t) => check.matches(t));
    const everything = Object.keys(tagFilterEntries(m, patterns.control.value)).length === 0;
    replace(summary, everything ? 'Every tag fires.' : hits.length === 0 ? 'Would match none of these tags:' : 'Would match:');
    replace(
      list,
      ...tags.map((t) => {
        const hit = hits.includes(t);
        return h('li', { class: hit ? 'ref-match' : 'ref-miss', 'data-matches': String(hit) }, h('code', {}, t), hit ? ' ✓' : ' ✗');
      }),
    );
  };
  for (const c of [mode.control, patterns.control, examples.control]) c.addEventListener('input', update);
  mode.control.addEventListener('change', update);
  // The server's message was about the pattern as submitted: once it changes, the preview speaks.
  for (const c of [mode.control, patterns.control]) c.addEventListener('input', () => clearFieldError(patterns));
  update();
  return { root, patterns, views: [mode, patterns, examples], entries: () => tagFilterEntries(current(), patterns.control.value) };
}
