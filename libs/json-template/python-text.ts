/**
 * Quay builds embedded template text with Python's `str()`: True/False, None, and lists and
 * dicts in Python's repr. These reproduce it for JSON values, so the same template gives the same bytes.
 */
export function pythonStr(v: unknown): string {
  if (typeof v === 'string') return v;
  return pythonRepr(v);
}

function reprString(s: string): string {
  const quote = s.includes("'") && !s.includes('"') ? '"' : "'";
  let out = quote;
  for (const ch of s) {
    const c = ch.codePointAt(0) ?? 0;
    if (ch === '\\' || ch === quote) out += `\\${ch}`;
    else if (ch === '\n') out += '\\n';
    else if (ch === '\r') out += '\\r';
    else if (ch === '\t') out += '\\t';
    else if (c < 0x20 || c === 0x7f) out += `\\x${c.toString(16).padStart(2, '0')}`;
    else out += ch;
  }
  return out + quote;
}

// Payload numbers are integers; for the rest, JS and Python print the same digits, and Python
// pads a one-digit exponent (1e-07).
function reprNumber(n: number): string {
  return String(n).replace(/e([+-])(\d)$/, 'e$10$2');
}

/** Python's repr of a JSON value. */
export function pythonRepr(v: unknown): string {
  if (v === null || v === undefined) return 'None';
  if (v === true) return 'True';
  if (v === false) return 'False';
  if (typeof v === 'number') return reprNumber(v);
  if (typeof v === 'string') return reprString(v);
  if (Array.isArray(v)) return `[${v.map(pythonRepr).join(', ')}]`;
  if (typeof v === 'object') {
    return `{${Object.entries(v).map(([k, x]) => `${reprString(k)}: ${pythonRepr(x)}`).join(', ')}}`;
  }
  return String(v);
}

/**
 * Python's repr of a float: integral values keep ".0", and exponents (used below 1e-4 and from
 * 1e16 on) have a sign and at least two digits.
 */
export function pythonFloatRepr(n: number): string {
  if (!Number.isFinite(n)) return n > 0 ? 'Infinity' : n < 0 ? '-Infinity' : 'NaN';
  const abs = Math.abs(n);
  if (abs !== 0 && (abs < 1e-4 || abs >= 1e16)) {
    return n.toExponential().replace(/e([+-])(\d)$/, 'e$10$2');
  }
  if (Object.is(n, -0)) return '-0.0';
  return Number.isInteger(n) ? `${n}.0` : String(n);
}

