/** Whether `s` holds a backslash, tab or line break (four memchr-like scans: cheaper than a regex test). */
export function needsEscape(s: string): boolean {
  return s.includes('\\') || s.includes('\t') || s.includes('\n') || s.includes('\r');
}

/**
 * Backslash, tab and line breaks escaped, so that a field never splits a line or another field:
 * the attempt log and inspection records store their entries as tab-separated lines, which FerretDB
 * stores far cheaper than sub-documents or JSON (no quotes to escape, one value per document).
 */
export function esc(s: string): string {
  if (!needsEscape(s)) return s;
  return s.replace(/[\\\t\n\r]/g, (c) => (c === '\\' ? '\\\\' : c === '\t' ? '\\t' : c === '\n' ? '\\n' : '\\r'));
}

export function unesc(s: string): string {
  if (!s.includes('\\')) return s;
  return s.replace(/\\(.)/g, (_, c: string) => (c === 't' ? '\t' : c === 'n' ? '\n' : c === 'r' ? '\r' : c));
}
