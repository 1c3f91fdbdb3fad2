/**
 * The tag filter of repo_push, vulnerability_found and repo_image_expiry (libs/events tag-filter.ts)
 * as the page checks and previews it: `tag-glob` (a list of globs) or `tag-regex` (one RE2 pattern),
 * each matching whole tags. Globs are translated exactly as the server does, with its messages;
 * a regex is checked conservatively (the browser has no RE2: JavaScript's syntax, plus RE2's refusal
 * of look-around and back-references), and the server's 400 has the last word on submit.
 * tag-filter.test.ts keeps both equal to libs/events.
 */

import { globToPattern } from '@herald/events/tag-glob';

export type TagFilterMode = 'all' | 'glob' | 'regex';

export const TAG_GLOB_KEY = 'tag-glob';
export const TAG_REGEX_KEY = 'tag-regex';
export const MAX_TAG_PATTERN_LENGTH = 256;
export const MAX_TAG_GLOBS = 50;

/** Tags the preview starts with; the admin can edit them. */
export const EXAMPLE_TAGS = ['latest', 'v1.2.3', '1.2', 'dev-abc123'] as const;

/** A problem with the filter, as the server words it: the request path it names and its message. */
export interface TagFilterProblem {
  field: string;
  message: string;
}

export type TagFilterCheck = { ok: true; matches: (tag: string) => boolean } | { ok: false; problem: TagFilterProblem };

/** Globs and example tags are typed as one line: tags hold no commas or spaces, so both separate. */
export function splitList(text: string): string[] {
  return text.split(/[\s,]+/).filter((s) => s !== '');
}

const quote = (c: string): string => c.replace(/[\\^$.*+?()[\]{}|/-]/g, (m) => `\\${m}`);

/** A glob as a regular expression source over a whole tag (the router's translation); throws the server's wording ("has an unclosed …"). */
export function globSource(glob: string): string {
  return globToPattern(glob, quote);
}

// RE2 refuses these, with these messages (given the construct and the pattern from it on); JavaScript would accept them.
const RE2_REFUSED: ReadonlyArray<[RegExp, (m: string, rest: string) => string]> = [
  [/\(\?<[=!]/, (_m, rest) => `invalid named capture: \`${rest}\``],
  [/\(\?[=!]/, (m) => `invalid or unsupported Perl syntax: \`${m}\``],
  [/\\[1-9]|\\k/, (m) => `invalid escape sequence: \`${m}\``],
];

/** Whether JavaScript can compile `source`; its message otherwise. */
function compileError(source: string): string | undefined {
  try {
    new RegExp(source);
    return undefined;
  } catch (err) {
    return err instanceof Error ? err.message.replace(/^Invalid regular expression: /, '') : 'not a regular expression';
  }
}

function checkRegex(pattern: string): TagFilterCheck {
  const field = `eventConfig.${TAG_REGEX_KEY}`;
  if (pattern.length > MAX_TAG_PATTERN_LENGTH) return { ok: false, problem: { field, message: `must be at most ${MAX_TAG_PATTERN_LENGTH} characters` } };
  for (const [re, say] of RE2_REFUSED) {
    // An escaped backslash before it makes it text: only a backslash run of even length counts.
    const m = new RegExp(`(?<!\\\\)(?:\\\\\\\\)*(${re.source})`).exec(pattern);
    const found = m?.[1];
    if (m && found) {
      const at = m.index + m[0].length - found.length;
      return { ok: false, problem: { field, message: `is not a valid RE2 regular expression: error parsing regexp: ${say(found, pattern.slice(at))}` } };
    }
  }
  const error = compileError(pattern);
  if (error !== undefined) return { ok: false, problem: { field, message: `is not a valid regular expression: ${error}` } };
  const re = new RegExp(`^(?:${pattern})$`);
  return { ok: true, matches: (tag) => re.test(tag) };
}

function checkGlobs(globs: readonly string[]): TagFilterCheck {
  const field = `eventConfig.${TAG_GLOB_KEY}`;
  if (globs.length > MAX_TAG_GLOBS) return { ok: false, problem: { field, message: `must list at most ${MAX_TAG_GLOBS} patterns` } };
  const sources: string[] = [];
  for (const [i, g] of globs.entries()) {
    const at = `${field}[${i}]`;
    if (g.length > MAX_TAG_PATTERN_LENGTH) return { ok: false, problem: { field: at, message: `must be at most ${MAX_TAG_PATTERN_LENGTH} characters` } };
    let source: string;
    try {
      source = globSource(g);
    } catch (err) {
      return { ok: false, problem: { field: at, message: `is not a valid glob: it ${(err as Error).message}` } };
    }
    const error = compileError(source);
    if (error !== undefined) return { ok: false, problem: { field: at, message: `is not a valid glob: ${error}` } };
    sources.push(source);
  }
  const re = new RegExp(`^(?:${sources.join('|')})$`);
  return { ok: true, matches: (tag) => re.test(tag) };
}

/** Checks what the admin typed; for `all` (or nothing typed) every tag passes. */
export function checkTagFilter(mode: TagFilterMode, text: string): TagFilterCheck {
  if (mode === 'regex' && text.trim() !== '') return checkRegex(text.trim());
  if (mode === 'glob' && splitList(text).length > 0) return checkGlobs(splitList(text));
  return { ok: true, matches: () => true };
}

/** The `event_config` keys the filter sends: none, `tag-glob` or `tag-regex`. */
export function tagFilterEntries(mode: TagFilterMode, text: string): Record<string, unknown> {
  if (mode === 'regex' && text.trim() !== '') return { [TAG_REGEX_KEY]: text.trim() };
  if (mode === 'glob' && splitList(text).length > 0) return { [TAG_GLOB_KEY]: splitList(text) };
  return {};
}

/** The mode and text that show a stored `event_config`'s filter (the edit form). */
export function tagFilterOf(eventConfig: Record<string, unknown>): { mode: TagFilterMode; text: string } {
  const regex = eventConfig[TAG_REGEX_KEY];
  if (typeof regex === 'string' && regex !== '') return { mode: 'regex', text: regex };
  const glob = eventConfig[TAG_GLOB_KEY];
  if (Array.isArray(glob) && glob.length > 0) return { mode: 'glob', text: glob.map(String).join(', ') };
  return { mode: 'all', text: '' };
}

/** The filter in words, for the list; '' when there is none. */
export function describeTagFilter(eventConfig: Record<string, unknown>): string {
  const { mode, text } = tagFilterOf(eventConfig);
  if (mode === 'regex') return `tags matching /${text}/`;
  if (mode === 'glob') return `tags ${text}`;
  return '';
}
