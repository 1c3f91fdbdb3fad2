import { h, replace, say, uid } from './dom.js';
import { decodeToken, isExpired, storeToken } from './token.js';

/** The sign-in form: the user pastes a bearer token; it is kept in sessionStorage, never in a URL. */
export function renderSignIn(main: HTMLElement, onSignedIn: (token: string) => void, message?: string): void {
  const id = uid('token');
  const hintId = `${id}-hint`;
  const input = h('textarea', {
    id,
    name: 'token',
    rows: 4,
    required: true,
    autocomplete: 'off',
    spellcheck: 'false',
    'aria-describedby': hintId,
    class: 'mono',
  });
  const status = h('p', { class: 'status', role: 'alert', hidden: true });
  const form = h(
    'form',
    { class: 'card sign-in', novalidate: true, 'aria-labelledby': `${id}-heading` },
    h('h1', { id: `${id}-heading` }, 'Sign in'),
    h('p', {}, 'Manage the notifications of the repositories you administer.'),
    h('label', { for: id }, 'Bearer token'),
    input,
    h(
      'p',
      { class: 'hint', id: hintId },
      'Paste the JWT your registry issued (operators mint one with npx herald-token). It stays in this tab only and is sent as an Authorization header.',
    ),
    status,
    h('div', { class: 'form-actions' }, h('button', { type: 'submit', class: 'button-primary' }, 'Sign in')),
  );
  if (message) say(status, message, 'error');
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    const token = input.value.trim().replace(/^Bearer\s+/i, '');
    if (token === '') return say(status, 'Paste a token first.', 'error');
    try {
      const info = decodeToken(token);
      if (isExpired(info)) return say(status, 'This token has expired: ask for a new one.', 'error');
    } catch (err) {
      return say(status, err instanceof Error ? err.message : 'This is not a token.', 'error');
    }
    storeToken(token);
    onSignedIn(token);
  });
  replace(main, form);
  input.focus();
}
