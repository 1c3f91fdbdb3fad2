import { configError } from '@herald/delivery';
import { evaluateJsonPath, parseJsonPath, type PathStep } from './json-path.js';

/** Text put where an expression matches nothing (as Quay does). */
export const NO_MATCH = '(none)';

const EXPRESSION = /\$\{([^}]*)\}/g;

type Part = string | PathStep[];

/** A compiled string: literal parts and expressions; `whole` when the string is one expression. */
interface CompiledString {
  parts: Part[];
  whole: boolean;
}

type Node = { t: 'str'; s: CompiledString } | { t: 'arr'; items: Node[] } | { t: 'obj'; entries: [CompiledString, Node][] } | { t: 'lit'; v: unknown };

function compileString(s: string): CompiledString {
  const parts: Part[] = [];
  let last = 0;
  for (const m of s.matchAll(EXPRESSION)) {
    const steps = parseJsonPath(m[1] ?? '');
    if (!steps) throw configError(`the template has an unsupported expression \${${(m[1] ?? '').slice(0, 40)}}`);
    if (m.index > last) parts.push(s.slice(last, m.index));
    parts.push(steps);
    last = m.index + m[0].length;
  }
  if (last < s.length) parts.push(s.slice(last));
  return { parts, whole: parts.length === 1 && typeof parts[0] !== 'string' };
}

function compile(v: unknown): Node {
  if (typeof v === 'string') return { t: 'str', s: compileString(v) };
  if (Array.isArray(v)) return { t: 'arr', items: v.map(compile) };
  if (v !== null && typeof v === 'object') return { t: 'obj', entries: Object.entries(v).map(([k, x]) => [compileString(k), compile(x)]) };
  return { t: 'lit', v };
}

const text = (v: unknown): string => (typeof v === 'string' ? v : JSON.stringify(v) ?? 'null');

function matches(steps: PathStep[], data: unknown): unknown {
  const found = evaluateJsonPath(steps, data);
  if (found.length === 0) return NO_MATCH;
  if (found.length === 1) return found[0];
  return found.map(text).join(',');
}

function renderString(c: CompiledString, data: unknown): unknown {
  if (c.whole) return matches(c.parts[0] as PathStep[], data);
  return c.parts.map((p) => (typeof p === 'string' ? p : text(matches(p, data)))).join('');
}

function render(n: Node, data: unknown): unknown {
  switch (n.t) {
    case 'str':
      return renderString(n.s, data);
    case 'arr':
      return n.items.map((x) => render(x, data));
    case 'obj':
      return Object.fromEntries(n.entries.map(([k, x]) => [text(renderString(k, data)), render(x, data)]));
    case 'lit':
      return n.v;
  }
}

/**
 * A webhook body template (SPEC §3): a JSON document whose strings may hold `${jsonpath}`
 * expressions over the Quay payload. A string that is exactly one expression becomes the matched
 * value itself (an array stays an array); expressions inside longer strings are stringified; no
 * match gives "(none)"; several matches are joined with ",".
 */
export class JsonTemplate {
  private readonly root: Node;

  /** Throws a permanent DeliveryError (config) when the template is not JSON or has a bad expression. */
  constructor(source: string) {
    let doc: unknown;
    try {
      doc = JSON.parse(source);
    } catch {
      throw configError('the webhook template is not a JSON document');
    }
    this.root = compile(doc);
  }

  /** The rendered body as JSON text. */
  render(data: unknown): string {
    return JSON.stringify(render(this.root, data));
  }
}

/** Compiled templates by source text (templates change rarely; compiling per delivery is waste). */
export class TemplateCache {
  private readonly cache = new Map<string, JsonTemplate>();

  constructor(private readonly max = 1_000) {}

  get(source: string): JsonTemplate {
    let t = this.cache.get(source);
    if (!t) {
      t = new JsonTemplate(source);
      if (this.cache.size >= this.max) this.cache.delete(this.cache.keys().next().value as string);
      this.cache.set(source, t);
    }
    return t;
  }
}
