import { cleanText, safeHttpUrl } from './html.js';
import { BLOCK_ELEMENTS, tokenizeHtml } from './html-tokens.js';
import { tidyLines } from './mrkdwn.js';

/**
 * The plain-text form of an HTML message (the e-mail's text part): tags dropped, entities decoded,
 * whitespace collapsed, `<br>` and block ends as line breaks, and each link's URL after its text
 * (unless the text is the URL) so nothing a reader needs is lost.
 */
export function htmlToText(source: string): string {
  const out: string[] = [];
  const links: Array<string | undefined> = [];
  let linkText = '';
  // Block boundaries start a line once; only explicit <br>s make blank lines.
  const lineBreak = () => {
    const last = out.findLast((piece) => piece !== '');
    if (last !== undefined && !last.endsWith('\n')) out.push('\n');
  };
  for (const t of tokenizeHtml(source)) {
    if (t.type === 'text') {
      const text = cleanText(t.text).replace(/\s+/g, ' ');
      out.push(text);
      if (links.length > 0) linkText += text;
    } else if (t.name === 'br' && t.type === 'open') out.push('\n');
    else if (t.name === 'a' && t.type === 'open') {
      links.push(safeHttpUrl(t.attrs['href']));
      linkText = '';
    } else if (t.name === 'a' && t.type === 'close') {
      const url = links.pop();
      if (url !== undefined && url !== linkText.trim() && `${url}/` !== linkText.trim()) out.push(` (${url})`);
    } else if (t.name === 'li' && t.type === 'open') {
      lineBreak();
      out.push('- ');
    } else if (t.type === 'close' && BLOCK_ELEMENTS.has(t.name)) lineBreak();
  }
  return tidyLines(out.join('').replace(/\u00a0/g, ' '));
}
