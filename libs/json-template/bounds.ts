import { TemplateError } from './template-error.js';

/** Bounds of a webhook body template, checked before it is parsed. */
export const TEMPLATE_LIMITS = {
  /** Nesting of arrays and objects; the outermost document is level 1. */
  maxDepth: 32,
  /** UTF-8 bytes of the template text. */
  maxBytes: 64 * 1024,
} as const;

/**
 * The deepest nesting of `[`/`{` outside strings, found in one pass without recursion (a deep
 * document must be refused before anything recursive — JSON.parse or a walk — sees it).
 */
export function nestingDepth(text: string): number {
  let depth = 0;
  let max = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c) i++; // backslash: skip the escaped character
      else if (c === 0x22) inString = false;
    } else if (c === 0x22) inString = true;
    else if (c === 0x5b || c === 0x7b) max = Math.max(max, ++depth);
    else if (c === 0x5d || c === 0x7d) depth--;
  }
  return max;
}

/** Throws a TemplateError naming the limit when the template is too large or too deep. */
export function checkTemplateBounds(text: string): void {
  const bytes = Buffer.byteLength(text, 'utf8');
  if (bytes > TEMPLATE_LIMITS.maxBytes) {
    throw new TemplateError('too_large', `the template is ${bytes} bytes; the limit is ${TEMPLATE_LIMITS.maxBytes} bytes (64 KiB)`);
  }
  const depth = nestingDepth(text);
  if (depth > TEMPLATE_LIMITS.maxDepth) {
    throw new TemplateError('too_deep', `the template nests ${depth} levels deep; the limit is ${TEMPLATE_LIMITS.maxDepth} levels`);
  }
}
