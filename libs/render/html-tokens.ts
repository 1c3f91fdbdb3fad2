/** A piece of an HTML fragment, as the converters to mrkdwn and plain text see it. */
export type HtmlToken =
  | { type: 'text'; text: string }
  | { type: 'open'; name: string; attrs: Record<string, string> }
  | { type: 'close'; name: string };

const NAMED: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", nbsp: '\u00a0' };

/** Decodes character references; unknown ones stay as written. */
export function decodeEntities(s: string): string {
  return s.replace(/&(#x[0-9a-f]{1,6}|#[0-9]{1,7}|[a-z]{2,8});/gi, (whole, ref: string) => {
    if (ref[0] === '#') {
      const code = ref[1] === 'x' || ref[1] === 'X' ? parseInt(ref.slice(2), 16) : parseInt(ref.slice(1), 10);
      return code > 0 && code <= 0x10ffff && !(code >= 0xd800 && code <= 0xdfff) ? String.fromCodePoint(code) : '\ufffd';
    }
    return NAMED[ref.toLowerCase()] ?? whole;
  });
}

const TAG = /^<(\/?)([a-zA-Z][a-zA-Z0-9-]*)((?:\s+[^\s"'>/=]+(?:\s*=\s*(?:"[^"]*"|'[^']*'|[^\s"'=<>`]+))?)*)\s*\/?>/;
const ATTR = /([^\s"'>/=]+)(?:\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'=<>`]+)))?/g;
// Elements whose content is never text to show.
const RAW_TEXT = new Set(['script', 'style', 'head', 'title']);

function attributes(src: string): Record<string, string> {
  const attrs: Record<string, string> = {};
  for (const m of src.matchAll(ATTR)) {
    const name = (m[1] ?? '').toLowerCase();
    attrs[name] = decodeEntities(m[2] ?? m[3] ?? m[4] ?? '');
  }
  return attrs;
}

/**
 * Splits an HTML fragment into text and tags. Lenient like a browser: a `<` that starts no tag is
 * text; comments, doctypes and the content of script/style are dropped.
 */
export function tokenizeHtml(input: string): HtmlToken[] {
  const tokens: HtmlToken[] = [];
  let text = '';
  const flush = () => {
    if (text !== '') tokens.push({ type: 'text', text: decodeEntities(text) });
    text = '';
  };
  let i = 0;
  while (i < input.length) {
    const lt = input.indexOf('<', i);
    if (lt < 0) {
      text += input.slice(i);
      break;
    }
    text += input.slice(i, lt);
    const rest = input.slice(lt);
    if (rest.startsWith('<!--')) {
      const end = input.indexOf('-->', lt + 4);
      i = end < 0 ? input.length : end + 3;
      continue;
    }
    if (/^<[!?]/.test(rest)) {
      const end = input.indexOf('>', lt);
      i = end < 0 ? input.length : end + 1;
      continue;
    }
    const m = TAG.exec(rest);
    if (!m) {
      text += '<';
      i = lt + 1;
      continue;
    }
    flush();
    const name = (m[2] ?? '').toLowerCase();
    i = lt + m[0].length;
    if (m[1] === '/') {
      tokens.push({ type: 'close', name });
    } else if (RAW_TEXT.has(name)) {
      const close = new RegExp(`</${name}\\s*>`, 'i').exec(input.slice(i));
      i = close ? i + close.index + close[0].length : input.length;
    } else {
      tokens.push({ type: 'open', name, attrs: attributes(m[3] ?? '') });
    }
  }
  flush();
  return tokens;
}

/** Elements after which the plain-text and mrkdwn forms start a new line. */
export const BLOCK_ELEMENTS = new Set(['p', 'div', 'li', 'ul', 'ol', 'tr', 'table', 'h1', 'h2', 'h3', 'h4', 'h5', 'h6', 'blockquote', 'pre']);
