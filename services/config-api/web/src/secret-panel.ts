import type { Notification } from './api.js';
import { h, uid } from './dom.js';

export interface SecretPanelText {
  /** The panel's first line; default `Created: <title>`. */
  heading?: string;
  /** A line after the secret's own hint (a rotation's overlap). */
  note?: string;
}

/**
 * Shown once after a create or a secret rotation: the Standard Webhooks signing secret (the API
 * never returns it again), with a copy button. Dismissing it removes the secret from the page.
 */
export function renderSecretPanel(n: Notification, dismiss: () => void, text: SecretPanelText = {}): HTMLElement {
  const name = n.title ?? 'The notification';
  const done = h('button', { type: 'button', class: 'button-secondary' }, 'Done');
  done.addEventListener('click', dismiss);
  const panel = h('div', { class: 'created', role: 'status', 'data-uuid': n.uuid }, h('p', { class: 'created-title' }, text.heading ?? `Created: ${name}`));
  if (n.method === 'webhook' && n.signing_secret) {
    const id = uid('secret');
    const input = h('input', { id, type: 'text', readonly: true, class: 'mono secret', spellcheck: 'false', value: n.signing_secret });
    const copy = h('button', { type: 'button', class: 'button-secondary' }, 'Copy');
    const copied = h('span', { class: 'copied', 'aria-live': 'polite' });
    copy.addEventListener('click', async () => {
      try {
        await navigator.clipboard.writeText(input.value);
        copied.textContent = 'Copied.';
      } catch {
        input.select();
        copied.textContent = 'Selected: press Ctrl+C to copy.';
      }
    });
    panel.append(
      h('label', { for: id }, 'Signing secret'),
      h('div', { class: 'inline' }, input, copy, copied),
      h(
        'p',
        { class: 'hint' },
        'Deliveries are signed with this secret (webhook-signature header, Standard Webhooks). It is shown only now: store it in your receiver.',
      ),
    );
    if (text.note) panel.append(h('p', { class: 'hint secret-overlap' }, text.note));
  }
  panel.append(h('div', { class: 'form-actions' }, done));
  return panel;
}
