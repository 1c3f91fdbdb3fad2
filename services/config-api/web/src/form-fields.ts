import type { FieldSpec } from './catalog.js';
import { h, replace, uid } from './dom.js';

export type Control = HTMLInputElement | HTMLSelectElement | HTMLTextAreaElement;

/** One labelled control with its hint and the slot where the server's message for it appears. */
export interface FieldView {
  spec: FieldSpec;
  root: HTMLElement;
  control: Control;
  error: HTMLElement;
}

function controlFor(spec: FieldSpec, id: string): Control {
  const common = { id, name: spec.key, 'data-field': spec.key, required: spec.required ?? false, placeholder: spec.placeholder };
  switch (spec.kind) {
    case 'select':
      return h('select', common, ...(spec.options ?? []).map((o) => h('option', { value: o.value }, o.label)));
    case 'textarea':
      return h('textarea', { ...common, rows: 4, spellcheck: 'false', class: 'mono' });
    case 'number':
      return h('input', { ...common, type: 'text', inputmode: 'numeric', autocomplete: 'off', class: 'short' });
    case 'secret':
      return h('input', { ...common, type: 'password', autocomplete: 'off', spellcheck: 'false' });
    case 'url':
      return h('input', { ...common, type: 'url', autocomplete: 'off', spellcheck: 'false' });
    case 'email':
      return h('input', { ...common, type: 'email', autocomplete: 'email', spellcheck: 'false' });
    case 'text':
      return h('input', { ...common, type: 'text', autocomplete: 'off', spellcheck: 'false' });
  }
}

export function renderField(spec: FieldSpec, extra?: Node): FieldView {
  const id = uid(spec.key.replace(/[^a-z0-9]+/gi, '-'));
  const control = controlFor(spec, id);
  const hint = spec.hint ? h('p', { class: 'hint', id: `${id}-hint` }, spec.hint) : null;
  const error = h('p', { class: 'field-error', id: `${id}-error`, 'data-error-for': spec.key, hidden: true });
  control.setAttribute('aria-describedby', [hint ? `${id}-hint` : '', `${id}-error`].filter(Boolean).join(' '));
  const label = h('label', { for: id }, spec.label, spec.required ? h('span', { class: 'required', 'aria-hidden': 'true' }, ' *') : null);
  const root = h('div', { class: 'field' }, label, extra ? h('div', { class: 'inline' }, control, extra) : control, hint, error);
  return { spec, root, control, error };
}

export function showFieldError(f: FieldView, message: string): void {
  replace(f.error, message);
  f.error.hidden = false;
  f.control.setAttribute('aria-invalid', 'true');
}

export function clearFieldError(f: FieldView): void {
  replace(f.error);
  f.error.hidden = true;
  f.control.removeAttribute('aria-invalid');
}

/** Sets `value` at a dotted path (`config.target.kind`) of `into`. */
export function setPath(into: Record<string, unknown>, path: string, value: unknown): void {
  const keys = path.split('.');
  let at = into;
  for (const k of keys.slice(0, -1)) {
    const next = at[k];
    if (typeof next !== 'object' || next === null) at[k] = {};
    at = at[k] as Record<string, unknown>;
  }
  const last = keys[keys.length - 1];
  if (last !== undefined) at[last] = value;
}

/** A field's value as the API takes it; undefined leaves the key out. Digits become numbers. */
export function valueOf(f: FieldView): unknown {
  const raw = f.control.value;
  if (f.spec.kind === 'number') {
    const t = raw.trim();
    if (t === '') return undefined;
    return /^\d{1,9}$/.test(t) ? Number(t) : t;
  }
  if (f.spec.kind === 'select') return raw;
  const t = f.spec.kind === 'textarea' || f.spec.kind === 'secret' ? raw : raw.trim();
  return t.trim() === '' ? undefined : t;
}
