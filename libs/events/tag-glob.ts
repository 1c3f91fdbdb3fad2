/**
 * The tag filter's glob syntax, translated to a regular expression source over the whole tag. One
 * home for it: the router's matcher (tag-filter.ts, compiled by RE2) and the admin page's live
 * preview (compiled by the browser) both translate with this, each quoting literals for its engine.
 * No dependencies, so the page's bundle can import it (`@herald/events/tag-glob`).
 *
 * `*` any run of characters, `?` one character, `[abc]`, `[a-z]`, `[!a-z]` (or `[^a-z]`) one
 * character of (not of) a class, `\x` the character x; everything else stands for itself. Throws a
 * message (not an error class: the caller names the field) for a malformed glob.
 */
export function globToPattern(glob: string, quote: (c: string) => string): string {
  let out = '';
  for (let i = 0; i < glob.length; i++) {
    const c = glob[i] as string;
    if (c === '*') out += '.*';
    else if (c === '?') out += '.';
    else if (c === '\\') {
      const next = glob[++i];
      if (next === undefined) throw new Error('ends with an unfinished escape "\\"');
      out += quote(next);
    } else if (c === '[') {
      const end = classEnd(glob, i);
      if (end < 0) throw new Error(`has an unclosed "[" at ${i + 1}`);
      let body = glob.slice(i + 1, end);
      const negated = body.startsWith('!') || body.startsWith('^');
      if (negated) body = body.slice(1);
      // Inside a class only `\`, `]`, `[` and `^` mean something (to RE2 and to JavaScript); `-` keeps its range meaning.
      out += `[${negated ? '^' : ''}${body.replace(/[\\\]^[]/g, (m) => `\\${m}`)}]`;
      i = end;
    } else out += quote(c);
  }
  return out;
}

/** Index of the `]` closing the class opened at `open` (a `]` first in the class is literal), or -1. */
function classEnd(glob: string, open: number): number {
  let j = open + 1;
  if (glob[j] === '!' || glob[j] === '^') j++;
  if (glob[j] === ']') j++;
  const end = glob.indexOf(']', j);
  return end > open + 1 ? end : -1;
}
