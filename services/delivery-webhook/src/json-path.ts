/**
 * The JSONPath subset webhook templates use (the config API validates the same grammar):
 * `$`, `name` (from the root), `.name`, `..name` (any depth), `.*`, `[0]`, `[*]`, `['name']`.
 * Parsed into steps and evaluated by walking plain JSON: no eval, no filters, no scripts.
 */
export type PathStep =
  | { kind: 'child'; name: string }
  | { kind: 'descendant'; name: string }
  | { kind: 'index'; index: number }
  | { kind: 'wildcard' };

const NAME = /^[A-Za-z_][A-Za-z0-9_-]*/;

/** Parses an expression; undefined when it is not in the subset. */
export function parseJsonPath(expr: string): PathStep[] | undefined {
  let s = expr.trim();
  const steps: PathStep[] = [];
  if (s.startsWith('$')) s = s.slice(1);
  else {
    const m = NAME.exec(s);
    if (m) {
      steps.push({ kind: 'child', name: m[0] });
      s = s.slice(m[0].length);
    } else if (!s.startsWith('.') && !s.startsWith('[')) return undefined;
  }
  while (s.length > 0) {
    let m: RegExpExecArray | null;
    if ((m = /^\.\.([A-Za-z_][A-Za-z0-9_-]*)/.exec(s))) steps.push({ kind: 'descendant', name: m[1] as string });
    else if ((m = /^\.([A-Za-z_][A-Za-z0-9_-]*)/.exec(s))) steps.push({ kind: 'child', name: m[1] as string });
    else if ((m = /^(?:\.\*|\[\*\])/.exec(s))) steps.push({ kind: 'wildcard' });
    else if ((m = /^\[(\d+)\]/.exec(s))) steps.push({ kind: 'index', index: Number(m[1]) });
    else if ((m = /^\['([^'\]]*)'\]/.exec(s)) || (m = /^\["([^"\]]*)"\]/.exec(s))) steps.push({ kind: 'child', name: m[1] as string });
    else return undefined;
    s = s.slice(m[0].length);
  }
  return steps;
}

const isObject = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v);

function children(v: unknown): unknown[] {
  if (Array.isArray(v)) return v;
  return isObject(v) ? Object.values(v) : [];
}

function own(v: unknown, name: string): unknown[] {
  return isObject(v) && Object.hasOwn(v, name) ? [v[name]] : [];
}

function descendants(v: unknown, name: string, out: unknown[]): void {
  out.push(...own(v, name));
  for (const c of children(v)) descendants(c, name, out);
}

/** Every value the steps match in `root`, in document order. */
export function evaluateJsonPath(steps: readonly PathStep[], root: unknown): unknown[] {
  let current: unknown[] = [root];
  for (const step of steps) {
    const next: unknown[] = [];
    for (const v of current) {
      if (step.kind === 'child') next.push(...own(v, step.name));
      else if (step.kind === 'wildcard') next.push(...children(v));
      else if (step.kind === 'index') {
        if (Array.isArray(v) && step.index < v.length) next.push(v[step.index]);
      } else descendants(v, step.name, next);
    }
    current = next;
  }
  return current;
}
