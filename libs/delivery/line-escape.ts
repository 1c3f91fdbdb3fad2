const NEEDS_ESCAPE = /[\\\t\n\r]/;

/**
 * Backslash, tab and line breaks escaped, so that a field never splits a line or another field:
 * the attempt log and inspection records store their entries as tab-separated lines, which FerretDB
 * stores far cheaper than sub-documents or JSON (no quotes to escape, one value per document).
 */
export function esc(s: string): string {
  if (!NEEDS_ESCAPE.test(s)) return s;
  return s.replace(/[\\\t\n\r]/g, (c) => (c === '\\' ? '\\\\' : c === '\t' ? '\\t' : c === '\n' ? '\\n' : '\\r'));
}

export function unesc(s: string): string {
  if (!s.includes('\\')) return s;
  return s.replace(/\\(.)/g, (_, c: string) => (c === 't' ? '\t' : c === 'n' ? '\n' : c === 'r' ? '\r' : c));
}
