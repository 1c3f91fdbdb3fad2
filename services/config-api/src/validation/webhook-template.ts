import { ValidationError } from '@herald/errors';

const FIELD = 'config.template';
export const MAX_TEMPLATE_LENGTH = 64 * 1024;
const MAX_EXPRESSION_LENGTH = 256;

// JSONPath over the event, as far as templates need it: `$`, `name`, `.name`, `..name`, `.*`, `[0]`,
// `[*]`, `['name']`. Alternatives start with distinct characters, so matching is linear.
const NAME = "[A-Za-z_][A-Za-z0-9_\\-]*";
const SEGMENT = `(?:\\.\\.?${NAME}|\\.\\*|\\[(?:\\d+|\\*|'[^'\\]]*'|"[^"\\]]*")\\])`;
const EXPRESSION = new RegExp(`^(?:\\$|${NAME}|${SEGMENT})${SEGMENT}*$`);

/** True when `expr` (the text inside `${…}`) is a JSONPath the renderer understands. */
export function isTemplateExpression(expr: string): boolean {
  return expr.length > 0 && expr.length <= MAX_EXPRESSION_LENGTH && EXPRESSION.test(expr);
}

function checkString(s: string, where: string): void {
  let i = s.indexOf('${');
  while (i >= 0) {
    const end = s.indexOf('}', i + 2);
    if (end < 0) throw new ValidationError(FIELD, `unterminated \${ expression in ${where}`);
    const expr = s.slice(i + 2, end).trim();
    if (!isTemplateExpression(expr)) throw new ValidationError(FIELD, `invalid expression \${${expr.slice(0, 40)}} in ${where}`);
    i = s.indexOf('${', end + 1);
  }
}

function walk(v: unknown, path: string): void {
  if (typeof v === 'string') return checkString(v, path);
  if (Array.isArray(v)) return v.forEach((x, i) => walk(x, `${path}[${i}]`));
  if (typeof v === 'object' && v !== null) {
    for (const [k, x] of Object.entries(v)) {
      checkString(k, `the key ${JSON.stringify(k.slice(0, 40))}`);
      walk(x, `${path}.${k}`);
    }
  }
}

/**
 * Validates a webhook body template (SPEC §3): a string holding a JSON document whose strings may
 * contain `${jsonpath}` expressions. Returns the template unchanged.
 */
export function webhookTemplate(raw: unknown): string {
  if (typeof raw !== 'string') throw new ValidationError(FIELD, 'must be a string holding a JSON document');
  if (raw.length > MAX_TEMPLATE_LENGTH) throw new ValidationError(FIELD, `must be at most ${MAX_TEMPLATE_LENGTH} characters`);
  let doc: unknown;
  try {
    doc = JSON.parse(raw);
  } catch (err) {
    throw new ValidationError(FIELD, `is not a JSON document: ${err instanceof Error ? err.message : 'parse error'}`);
  }
  walk(doc, '$');
  return raw;
}
