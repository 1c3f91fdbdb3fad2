/**
 * The only way the page builds markup. Children that are strings become text nodes and attributes
 * are set one by one, so a value from the API or an event can never become HTML: there is no
 * innerHTML anywhere in the page.
 */
export type Child = Node | string | number | null | undefined | false;
export type Attrs = Record<string, string | number | boolean | undefined | null>;

export function h<K extends keyof HTMLElementTagNameMap>(tag: K, attrs: Attrs = {}, ...children: Child[]): HTMLElementTagNameMap[K] {
  const el = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs)) {
    if (value === undefined || value === null || value === false) continue;
    if (name === 'class') el.className = String(value);
    else el.setAttribute(name, value === true ? '' : String(value));
  }
  append(el, ...children);
  return el;
}

export function append(parent: Node, ...children: Child[]): void {
  for (const c of children) {
    if (c === null || c === undefined || c === false) continue;
    parent.appendChild(typeof c === 'string' || typeof c === 'number' ? document.createTextNode(String(c)) : c);
  }
}

/** Replaces every child of `parent`. */
export function replace(parent: Node, ...children: Child[]): void {
  while (parent.firstChild) parent.removeChild(parent.firstChild);
  append(parent, ...children);
}

export function byId<T extends HTMLElement = HTMLElement>(id: string): T {
  const el = document.getElementById(id);
  if (!el) throw new Error(`the page has no #${id}`);
  return el as T;
}

let counter = 0;
/** A unique element id, for label/aria wiring of generated controls. */
export function uid(prefix: string): string {
  counter += 1;
  return `${prefix}-${counter}`;
}

/** A hash link inside the page; only ever `#/…`, never a URL taken from data. */
export function hashLink(path: string, text: string, attrs: Attrs = {}): HTMLAnchorElement {
  return h('a', { ...attrs, href: `#${path}` }, text);
}

/** Announces `text` in a live region (role=status), replacing what it said before. */
export function say(region: HTMLElement, text: string, tone: 'info' | 'ok' | 'error' = 'info'): void {
  region.dataset['tone'] = tone;
  replace(region, text);
  region.hidden = text === '';
}

/** An ISO 8601 form of a date the API sent (ISO, or RFC 2822 as in-app notifications have it). */
export function isoTime(text: string): string {
  const d = new Date(text);
  return Number.isNaN(d.getTime()) ? text : d.toISOString();
}

export function formatTime(iso: string): string {
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? iso : d.toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'medium' });
}
