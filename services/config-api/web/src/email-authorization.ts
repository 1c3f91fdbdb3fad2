import { ApiError } from './api.js';
import type { FieldSpec } from './catalog.js';
import { h, say } from './dom.js';
import { clearFieldError, renderField, showFieldError, type FieldView } from './form-fields.js';
import type { Session } from './session.js';

export const POLL_INTERVAL_MS = 1_500;
/** Polling stops after this long; the user can press the button again. */
const POLL_LIMIT_MS = 30 * 60_000;

type State = 'unknown' | 'sending' | 'pending' | 'confirmed';

export interface EmailAuthorizationView {
  field: FieldView;
  /** Stops polling (the form is going away or the method changed). */
  dispose(): void;
}

/**
 * The e-mail field with its "authorize this address" step (SPEC §5): the button asks the server to
 * mail a confirmation link, then the status polls until the link has been followed, so the form
 * flips to *confirmed* by itself, without a reload.
 */
export function renderEmailAuthorization(spec: FieldSpec, session: Session, repository: string): EmailAuthorizationView {
  const button = h('button', { type: 'button', class: 'button-secondary' }, 'Authorize this address');
  const field = renderField(spec, button);
  const status = h('p', { class: 'auth-status', role: 'status', 'aria-live': 'polite', 'data-state': 'unknown' });
  field.root.appendChild(status);
  let state: State = 'unknown';
  let timer: number | undefined;
  let generation = 0;

  const stop = (): void => {
    if (timer !== undefined) window.clearTimeout(timer);
    timer = undefined;
    generation += 1;
  };
  const show = (s: State, text: string, tone: 'info' | 'ok' | 'error' = 'info'): void => {
    state = s;
    status.dataset['state'] = s;
    say(status, text, tone);
    status.hidden = false;
    button.disabled = s === 'sending' || s === 'confirmed';
  };
  const confirmed = (email: string): void => {
    stop();
    show('confirmed', `Confirmed: ${email} may receive notifications for ${repository}.`, 'ok');
  };

  const poll = (email: string, gen: number, deadline: number): void => {
    timer = window.setTimeout(async () => {
      if (gen !== generation || !field.root.isConnected) return;
      try {
        const a = await session.guard(session.api.getEmailAuthorization(repository, email));
        if (gen !== generation) return;
        if (a.confirmed) return confirmed(a.email);
      } catch (err) {
        if (gen !== generation) return;
        if (!(err instanceof ApiError) || err.status >= 500) {
          // A hiccup: keep waiting. Anything else (withdrawn, 403) ends the wait with the message.
        } else {
          return show('unknown', `Authorization stopped: ${err.message}`, 'error');
        }
      }
      if (Date.now() < deadline) poll(email, gen, deadline);
      else show('unknown', 'Still not confirmed. Press “Authorize this address” to send a new link.', 'error');
    }, POLL_INTERVAL_MS);
  };

  button.addEventListener('click', async () => {
    stop();
    clearFieldError(field);
    const email = field.control.value.trim();
    if (email === '') return showFieldError(field, 'Enter the address to authorize.');
    const gen = generation;
    show('sending', `Sending a confirmation link to ${email}…`);
    try {
      const a = await session.guard(session.api.requestEmailAuthorization(repository, email));
      if (gen !== generation) return;
      if (a.confirmed) return confirmed(a.email);
      show('pending', `Pending: a confirmation link was sent to ${a.email}. This updates once the link is followed.`);
      poll(a.email, gen, Date.now() + POLL_LIMIT_MS);
    } catch (err) {
      if (gen !== generation) return;
      show('unknown', '');
      status.hidden = true;
      showFieldError(field, err instanceof Error ? err.message : 'The request failed.');
    }
  });
  // A different address starts over: its authorization is its own.
  field.control.addEventListener('input', () => {
    if (state === 'unknown') return;
    stop();
    show('unknown', '');
    status.hidden = true;
  });

  return { field, dispose: stop };
}
