/**
 * JSON text as Quay's webhook sends it — Python's `json.dumps(value)` with its defaults: `", "` and
 * `": "` between items, and DEL and every non-ASCII character escaped as `\uXXXX` (UTF-16 code units,
 * lowercase hex; `ensure_ascii`). Built from JSON.stringify in one pass, which already escapes
 * quotes, backslashes and control characters as Python does. Key order is the value's own.
 */
export function quayJson(value: unknown): string {
  const compact = JSON.stringify(value);
  if (compact === undefined) return 'null';
  let out = '';
  let from = 0;
  let inString = false;
  for (let i = 0; i < compact.length; i++) {
    const c = compact.charCodeAt(i);
    if (inString) {
      if (c === 0x5c) i++; // an escape: its next character is never a closing quote
      else if (c === 0x22) inString = false;
      else if (c >= 0x7f) {
        out += `${compact.slice(from, i)}\\u${c.toString(16).padStart(4, '0')}`;
        from = i + 1;
      }
    } else if (c === 0x22) inString = true;
    else if (c === 0x2c || c === 0x3a) {
      out += `${compact.slice(from, i + 1)} `;
      from = i + 1;
    }
  }
  return out + compact.slice(from);
}
