import { ApiError, type Attempt, type Notification } from './api.js';
import { formatTime, h, replace } from './dom.js';
import { openModal } from './modal.js';
import type { Scope } from './scope.js';
import type { Session } from './session.js';

/** The attempt list from the API's answer, whether it is a bare array or `{attempts: […]}`. */
export function attemptsOf(body: unknown): Attempt[] {
  if (Array.isArray(body)) return body as Attempt[];
  if (typeof body === 'object' && body !== null) {
    for (const key of ['attempts', 'items', 'results']) {
      const v = (body as Record<string, unknown>)[key];
      if (Array.isArray(v)) return v as Attempt[];
    }
  }
  return [];
}

const text = (v: unknown): string => (typeof v === 'string' || typeof v === 'number' ? String(v) : '');

function row(a: Attempt): HTMLTableRowElement {
  const failed = a.outcome !== 'success';
  return h(
    'tr',
    { class: failed ? 'attempt-failed' : 'attempt-ok' },
    h('td', {}, a.time ? formatTime(a.time) : ''),
    h('td', { class: 'num' }, text(a.attempt)),
    h(
      'td',
      { 'data-col': 'outcome' },
      h('span', { class: `badge badge-outcome badge-${failed ? 'bad' : 'good'}` }, text(a.outcome) || 'unknown'),
      a.test ? h('span', { class: 'badge' }, 'test') : null,
    ),
    h('td', { class: 'num', 'data-col': 'status' }, a.status_code === null || a.status_code === undefined ? '—' : text(a.status_code)),
    h('td', { class: 'num' }, a.duration_ms === undefined ? '' : `${text(a.duration_ms)} ms`),
    h('td', { class: 'error-text' }, text(a.error)),
  );
}

/** The attempt log of one notification (SPEC §4): time, status code or error, duration. */
export function openAttemptsDialog(session: Session, scope: Scope, n: Notification): void {
  const body = h('div', { class: 'attempts-body', 'aria-live': 'polite' }, h('p', {}, 'Loading…'));
  const close = h('button', { type: 'button', class: 'button-secondary' }, 'Close');
  const dialog = openModal(
    'attempts-heading',
    h('h2', { id: 'attempts-heading' }, `Delivery attempts: ${n.title ?? n.uuid}`),
    body,
    h('div', { class: 'form-actions' }, close),
  );
  close.addEventListener('click', () => dialog.close());
  close.focus();
  void (async () => {
    try {
      const attempts = attemptsOf(await session.guard(session.api.attempts(scope, n.uuid)));
      if (attempts.length === 0) return replace(body, h('p', {}, 'No delivery attempts recorded yet.'));
      const head = ['Time', 'Attempt', 'Outcome', 'Status', 'Duration', 'Error'].map((c) => h('th', { scope: 'col' }, c));
      replace(
        body,
        h(
          'div',
          { class: 'table-scroll' },
          h('table', { class: 'attempts' }, h('thead', {}, h('tr', {}, ...head)), h('tbody', {}, ...attempts.map(row))),
        ),
      );
    } catch (err) {
      const message =
        err instanceof ApiError && err.status === 501
          ? 'This server does not keep an attempt log yet (501 Not Implemented).'
          : `The attempt log could not be loaded: ${err instanceof Error ? err.message : 'request failed'}`;
      replace(body, h('p', { class: 'notice', role: 'alert' }, message));
    }
  })();
}
