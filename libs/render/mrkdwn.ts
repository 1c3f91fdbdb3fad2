import { cleanText, safeHttpUrl } from './html.js';
import { BLOCK_ELEMENTS, tokenizeHtml } from './html-tokens.js';

const ZWSP = '\u200b';
const MARKERS = { b: '*', strong: '*', i: '_', em: '_' } as const;
type MarkerTag = keyof typeof MARKERS;

function isMarkerTag(name: string): name is MarkerTag {
  return name in MARKERS;
}

/**
 * Escapes Slack's control characters `&`, `<` and `>` (Slack's own rule for every text field), so text
 * can never open a link or a mention. Enough for fields Slack does not format, such as `fallback`.
 */
export function escapeSlackText(text: string): string {
  return cleanText(text).replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/**
 * Escapes text for Slack mrkdwn. `&`, `<` and `>` become entities, as Slack requires, so text can
 * never open a link or a mention (`<!channel>`, `<@U123>`). Slack has no escape for the formatting
 * characters `*_~\``; where one could open or close formatting (it is not between two letters or
 * digits) it is fenced with zero-width spaces, which Slack does not treat as a word boundary.
 */
export function escapeMrkdwn(text: string): string {
  return escapeSlackText(text).replace(/[*_~`]/g, (c, offset: number, s: string) => {
    const before = s[offset - 1] ?? '';
    const after = s[offset + 1] ?? '';
    return /[\p{L}\p{N}]/u.test(before) && /[\p{L}\p{N}]/u.test(after) ? c : `${ZWSP}${c}${ZWSP}`;
  });
}

/** A URL as the target of a Slack link: only http(s), with the characters that end the link encoded. */
function slackUrl(href: string | undefined): string | undefined {
  const url = safeHttpUrl(href);
  return url?.replace(/&/g, '&amp;').replace(/</g, '%3C').replace(/>/g, '%3E').replace(/\|/g, '%7C');
}

/**
 * Converts an HTML message to Slack mrkdwn: links become `<url|text>`, `<b>`/`<strong>` `*bold*`,
 * `<i>`/`<em>` `_italic_`, `<br>` and block ends line breaks; every other tag is dropped and all text
 * is escaped (see `escapeMrkdwn`). Whitespace collapses as a browser would show it.
 */
export function htmlToMrkdwn(source: string): string {
  const out: string[] = [];
  let linkDepth = 0;
  let openLink = false;
  // Index in `out` of a bold/italic marker just opened, while nothing has followed it yet.
  let justOpened = -1;
  // Markers must touch the text they wrap or Slack ignores them, so edge spaces move outside.
  const emitText = (raw: string) => {
    let text = raw.replace(/\s+/g, ' ');
    if (justOpened === out.length - 1 && text.startsWith(' ')) {
      out.splice(justOpened, 0, ' ');
      justOpened++;
      text = text.slice(1);
    }
    if (text === '') return;
    out.push(escapeMrkdwn(text));
    justOpened = -1;
  };
  const emitOpen = (marker: string) => {
    out.push(marker);
    justOpened = out.length - 1;
  };
  const emitClose = (marker: string) => {
    if (justOpened === out.length - 1 && out[justOpened] === marker) {
      out.pop();
      justOpened = -1;
      return;
    }
    justOpened = -1;
    const last = out[out.length - 1];
    if (last !== undefined && last.endsWith(' ')) {
      out[out.length - 1] = last.slice(0, -1);
      out.push(marker, ' ');
      return;
    }
    out.push(marker);
  };
  for (const t of tokenizeHtml(source)) {
    if (t.type === 'text') emitText(t.text);
    else if (t.name === 'br' && t.type === 'open') out.push('\n');
    else if (t.name === 'a' && t.type === 'open') {
      linkDepth++;
      const url = linkDepth === 1 ? slackUrl(t.attrs['href']) : undefined;
      if (url !== undefined) {
        out.push(`<${url}|`);
        openLink = true;
      }
    } else if (t.name === 'a' && t.type === 'close') {
      if (linkDepth > 0) linkDepth--;
      if (linkDepth === 0 && openLink) {
        out.push('>');
        openLink = false;
      }
    } else if (isMarkerTag(t.name)) {
      if (t.type === 'open') emitOpen(MARKERS[t.name]);
      else emitClose(MARKERS[t.name]);
    } else if (t.type === 'close' && BLOCK_ELEMENTS.has(t.name)) {
      // A block ends a line once; only explicit <br>s make blank lines.
      const last = out.findLast((piece) => piece !== '');
      if (last !== undefined && !last.endsWith('\n')) out.push('\n');
    }
  }
  if (openLink) out.push('>');
  return tidyLines(out.join(''));
}

/** Trims each line, keeps at most one blank line in a row, and trims the whole. */
export function tidyLines(s: string): string {
  return s
    .split('\n')
    .map((line) => line.replace(/ {2,}/g, ' ').trim())
    .join('\n')
    .replace(/\n{3,}/g, '\n\n')
    .trim();
}
