import { JSONPathEnvironment, type JSONPathQuery, type JSONValue } from 'json-p3';
import { TemplateError } from './template-error.js';

/** Longest expression accepted inside `${…}`. */
export const MAX_EXPRESSION_LENGTH = 256;

// Recursive descent (`..`) over a payload never needs more; the bound keeps a hostile path cheap.
const env = new JSONPathEnvironment({ maxRecursionDepth: 64 });
// Regular-expression filters would let a template author run a backtracking pattern on every
// delivery; jsonpath-rw (what Quay uses) has no such functions either.
env.functionRegister.delete('match');
env.functionRegister.delete('search');

/**
 * jsonpath-rw (Quay) lets an expression start at a field of the root (`tags[*]`, `a.b`); RFC 9535,
 * which the library implements, always starts with `$`. Everything else is the library's grammar.
 */
function rooted(expr: string): string {
  if (expr.startsWith('$')) return expr;
  if (expr.startsWith('[') || expr.startsWith('.')) return `$${expr}`;
  return `$.${expr}`;
}

/** A compiled JSONPath expression. */
export interface JsonPath {
  readonly source: string;
  /** Every value it matches in `data`, in document order. */
  find(data: unknown): unknown[];
}

/**
 * Compiles the text inside `${…}` (surrounding blanks ignored, as jsonpath-rw's lexer does).
 * Throws a TemplateError for an empty, too long or malformed expression.
 */
export function compileJsonPath(expression: string): JsonPath {
  const source = expression.trim();
  if (source === '') throw new TemplateError('expression', 'empty expression ${}');
  if (source.length > MAX_EXPRESSION_LENGTH) {
    throw new TemplateError('expression', `expression \${${source.slice(0, 40)}…} is longer than ${MAX_EXPRESSION_LENGTH} characters`);
  }
  let query: JSONPathQuery;
  try {
    query = env.compile(rooted(source));
  } catch (err) {
    const why = err instanceof Error ? err.message : 'syntax error';
    throw new TemplateError('expression', `invalid expression \${${source.slice(0, 40)}}: ${why}`, { cause: err });
  }
  return { source, find: (data) => query.query(data as JSONValue).values() };
}
