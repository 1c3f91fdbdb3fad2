/** A JSON object with its members in document order (JSON.parse moves integer-like keys first). */
export class OrderedObject {
  constructor(readonly entries: [string, unknown][]) {}
}

/** A JSON number that Python reads as a float (it has a fraction or an exponent). */
export class FloatLiteral {
  constructor(readonly value: number) {}
}

const SCALAR = /-?\d+(\.\d+)?([eE][+-]?\d+)?|true|false|null/y;

/**
 * Parses JSON text that JSON.parse has already accepted, keeping what Python's json.loads keeps and
 * JSON.parse loses: object members in document order (OrderedObject) and whether a number is a
 * float (FloatLiteral). Recursive: callers bound the nesting first (TEMPLATE_LIMITS).
 */
export function parseOrdered(text: string): unknown {
  let i = 0;
  const blank = () => {
    while (i < text.length && (text[i] === ' ' || text[i] === '\t' || text[i] === '\n' || text[i] === '\r')) i++;
  };
  const string = (): string => {
    const start = i++;
    while (text[i] !== '"') i += text[i] === '\\' ? 2 : 1;
    i++;
    return JSON.parse(text.slice(start, i)) as string;
  };
  const value = (): unknown => {
    blank();
    const c = text[i];
    if (c === '{') {
      i++;
      const entries: [string, unknown][] = [];
      blank();
      if (text[i] === '}') i++;
      else {
        do {
          blank();
          const key = string();
          blank();
          i++; // ':'
          entries.push([key, value()]);
          blank();
        } while (text[i++] === ',');
      }
      return new OrderedObject(entries);
    }
    if (c === '[') {
      i++;
      const items: unknown[] = [];
      blank();
      if (text[i] === ']') i++;
      else {
        do items.push(value());
        while ((blank(), text[i++] === ','));
      }
      return items;
    }
    if (c === '"') return string();
    SCALAR.lastIndex = i;
    const m = SCALAR.exec(text);
    if (!m) throw new SyntaxError(`unexpected character at ${i}`);
    i += m[0].length;
    const v: unknown = JSON.parse(m[0]);
    return m[1] !== undefined || m[2] !== undefined ? new FloatLiteral(v as number) : v;
  };
  const out = value();
  return out;
}
