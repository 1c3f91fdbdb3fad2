/**
 * A string that is already HTML. Only this module and the message templates create one, so any plain
 * string that reaches a template is escaped: event data cannot become markup by mistake.
 */
export class SafeHtml {
  constructor(readonly value: string) {}

  toString(): string {
    return this.value;
  }
}

/** What a template may interpolate; absent values render as nothing (never as "undefined"). */
export type HtmlValue = SafeHtml | string | number | readonly HtmlValue[] | null | undefined | false;

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/**
 * Invisible format characters that make text read differently from what it is: the bidi embeddings
 * and overrides (U+202A–202E), the bidi isolates (U+2066–2069), and the zero-width spaces, joiners
 * and direction marks (U+200B–200F). A tag or commit message could otherwise reverse how a line
 * reads, or hide text, in an e-mail or a chat message.
 */
export const INVISIBLE_FORMAT_CHARS = /[\u200B-\u200F\u202A-\u202E\u2066-\u2069]/;

// C0/C1 controls other than tab and newline, and the invisible format characters above.
const UNSAFE_CHARS = new RegExp(`[\\u0000-\\u0008\\u000B-\\u001F\\u007F-\\u009F]|${INVISIBLE_FORMAT_CHARS.source}`, 'g');

/**
 * Neutralizes event-supplied text for every renderer (HTML, e-mail text, Slack mrkdwn, HipChat,
 * Flowdock): control characters and invisible format characters are removed. Renderers add their
 * own zero-width spaces (Slack fences) only after this.
 */
export function cleanText(s: string): string {
  return s.replace(UNSAFE_CHARS, '');
}

/** Escapes text for an HTML element or a double- or single-quoted attribute value. */
export function escapeHtml(s: string): string {
  return cleanText(s).replace(/[&<>"']/g, (c) => ESCAPES[c] ?? c);
}

function render(v: HtmlValue): string {
  if (v === null || v === undefined || v === false) return '';
  if (v instanceof SafeHtml) return v.value;
  if (Array.isArray(v)) return v.map(render).join('');
  return escapeHtml(String(v));
}

/** Tagged template: the literal parts are trusted markup, every interpolated value is escaped. */
export function html(strings: TemplateStringsArray, ...values: HtmlValue[]): SafeHtml {
  let out = strings[0] ?? '';
  values.forEach((v, i) => {
    out += render(v) + (strings[i + 1] ?? '');
  });
  return new SafeHtml(out);
}

/** Joins fragments with a trusted separator (e.g. `, `), escaping plain strings. */
export function join(parts: readonly HtmlValue[], separator: string): SafeHtml {
  return new SafeHtml(parts.map(render).filter((p) => p !== '').join(separator));
}

/**
 * The URL normalized if it is absolute http(s), else undefined. Event data is not trusted to be a
 * web address: a `javascript:` or `data:` link in an e-mail or chat message would be an attack.
 */
export function safeHttpUrl(raw: string | undefined): string | undefined {
  if (raw === undefined || raw.trim() === '') return undefined;
  try {
    const u = new URL(raw.trim());
    return u.protocol === 'http:' || u.protocol === 'https:' ? u.href : undefined;
  } catch {
    return undefined;
  }
}

/** `<a href>` around `text` when `url` is a safe http(s) URL, else just the (escaped) text. */
export function link(url: string | undefined, text: HtmlValue): SafeHtml {
  const href = safeHttpUrl(url);
  return href === undefined ? html`${text}` : html`<a href="${href}">${text}</a>`;
}

/** Text with its line breaks kept as `<br>` (error messages are often several lines). */
export function multiline(s: string): SafeHtml {
  return join(s.split(/\r\n|\r|\n/).map((line) => line.trim()).filter((line) => line !== ''), '<br>');
}
