import { checkTemplateBounds } from './bounds.js';
import { compileJsonPath, type JsonPath } from './json-path.js';
import { FloatLiteral, OrderedObject, parseOrdered } from './ordered-json.js';
import { quayJson } from './python-json.js';
import { pythonFloatRepr, pythonStr } from './python-text.js';
import { TemplateError } from './template-error.js';

/** Text put where an embedded expression matches nothing (Quay's `missing` filler). */
export const NO_MATCH = '(none)';

const EXPRESSION = /\$\{([^}]*)\}/g;
const WHOLE = /^\$\{([^}]*)\}$/;

/** A string of the template: one whole expression, or literal text with embedded expressions. */
type CompiledString = { whole: JsonPath } | { parts: (string | JsonPath)[] };

type Node =
  | { t: 'str'; s: CompiledString }
  | { t: 'arr'; items: Node[] }
  | { t: 'obj'; entries: [CompiledString, Node][] }
  | { t: 'lit'; v: unknown }
  | { t: 'float'; v: number };

function compileString(s: string): CompiledString {
  const whole = WHOLE.exec(s);
  if (whole) return { whole: compileJsonPath(whole[1] ?? '') };
  const parts: (string | JsonPath)[] = [];
  let last = 0;
  for (const m of s.matchAll(EXPRESSION)) {
    if (m.index > last) parts.push(s.slice(last, m.index));
    parts.push(compileJsonPath(m[1] ?? ''));
    last = m.index + m[0].length;
  }
  if (last < s.length || parts.length === 0) parts.push(s.slice(last));
  return { parts };
}

function compile(v: unknown): Node {
  if (typeof v === 'string') return { t: 'str', s: compileString(v) };
  if (Array.isArray(v)) return { t: 'arr', items: v.map(compile) };
  if (v instanceof OrderedObject) return { t: 'obj', entries: v.entries.map(([k, x]) => [compileString(k), compile(x)]) };
  if (v instanceof FloatLiteral) return { t: 'float', v: v.value };
  return { t: 'lit', v };
}

/** One expression's value: null for no match, the value for one, an array for several. */
function evaluate(path: JsonPath, data: unknown): unknown {
  const found = path.find(data);
  if (found.length === 0) return null;
  return found.length === 1 ? found[0] : found;
}

function embedded(path: JsonPath, data: unknown): string {
  const v = evaluate(path, data);
  if (v === null || v === undefined) return NO_MATCH;
  if (Array.isArray(v) && v.length > 1) return v.map(pythonStr).join(',');
  return pythonStr(v);
}

function renderString(c: CompiledString, data: unknown): unknown {
  if ('whole' in c) return evaluate(c.whole, data);
  return c.parts.map((p) => (typeof p === 'string' ? p : embedded(p, data))).join('');
}

// A key that renders to a non-string becomes what Python's json.dumps makes of a dict key.
function keyText(v: unknown): string {
  if (typeof v === 'string') return v;
  if (v === null || typeof v === 'number' || typeof v === 'boolean') return JSON.stringify(v);
  return pythonStr(v);
}

function render(n: Node, data: unknown): unknown {
  switch (n.t) {
    case 'str':
      return renderString(n.s, data);
    case 'arr':
      return n.items.map((x) => render(x, data));
    case 'obj':
      return Object.fromEntries(n.entries.map(([k, x]) => [keyText(renderString(k, data)), render(x, data)]));
    case 'lit':
    case 'float':
      return n.v;
  }
}

/**
 * The rendered document as Python's json.dumps prints the dict Quay builds: members in template
 * order (a later member with the same rendered key replaces the value in the first one's place, as
 * in a dict), float literals as Python prints floats.
 */
function write(n: Node, data: unknown): string {
  switch (n.t) {
    case 'str':
      return quayJson(renderString(n.s, data));
    case 'arr':
      return `[${n.items.map((x) => write(x, data)).join(', ')}]`;
    case 'obj': {
      const members = new Map<string, string>();
      for (const [k, x] of n.entries) members.set(keyText(renderString(k, data)), write(x, data));
      return `{${[...members].map(([k, v]) => `${quayJson(k)}: ${v}`).join(', ')}}`;
    }
    case 'lit':
      return quayJson(n.v);
    case 'float':
      return pythonFloatRepr(n.v);
  }
}

/**
 * A webhook body template with the semantics of Quay's `util/jsontemplate.py`: a JSON document
 * whose strings (keys too) may hold `${jsonpath}` expressions over the payload. A string that is
 * exactly one expression becomes the match itself — null when nothing matches, an array when
 * several do; an expression inside a longer string becomes text as Python's `str()` prints it,
 * several matches joined with ",", no match "(none)". Parsing is the only validation (Quay
 * validates by applying the template to `{}`), plus Herald's bounds (TEMPLATE_LIMITS).
 */
export class JsonTemplate {
  private readonly root: Node;

  /** Throws a TemplateError when the template is over a bound, not JSON, or has a bad expression. */
  constructor(source: string) {
    checkTemplateBounds(source);
    try {
      JSON.parse(source);
    } catch (err) {
      throw new TemplateError('not_json', `not a JSON document: ${err instanceof Error ? err.message : 'parse error'}`, { cause: err });
    }
    this.root = compile(parseOrdered(source));
  }

  /** The rendered document. */
  apply(data: unknown): unknown {
    return render(this.root, data);
  }

  /** The rendered document as the JSON text Quay sends, byte for byte (see `write`). */
  render(data: unknown): string {
    return write(this.root, data);
  }
}
