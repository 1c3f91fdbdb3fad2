import { ApiError, type Attempt, type Exchange, type InspectedAttempt, type Notification } from './api.js';
import { formatTime, h, replace, say } from './dom.js';
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
const errorText = (err: unknown): string => (err instanceof Error ? err.message : 'request failed');

function isInspected(a: Attempt): a is InspectedAttempt {
  return typeof (a as Partial<InspectedAttempt>).attempt_id === 'string';
}

/** "name: value" lines of an exchange's headers, in the order the server gave them. */
function headerLines(headers: Exchange['headers']): string[] {
  return Object.entries(headers ?? {}).flatMap(([k, v]) => (Array.isArray(v) ? v.map((x) => `${k}: ${x}`) : [`${k}: ${v}`]));
}

function exchangeView(title: string, first: string, x: Exchange): HTMLElement {
  const size = x.body_bytes === undefined ? '' : ` (${x.body_bytes} bytes${x.body_truncated ? ', truncated' : ''})`;
  return h(
    'section',
    { class: 'exchange', 'data-exchange': title.toLowerCase() },
    h('h3', {}, title),
    h('p', { class: 'mono exchange-line' }, first),
    h('pre', { class: 'mono exchange-headers' }, headerLines(x.headers).join('\n')),
    x.body === undefined || x.body === '' ? h('p', { class: 'muted' }, `No body${size}.`) : h('div', {}, h('p', { class: 'hint' }, `Body${size}:`), h('pre', { class: 'mono exchange-body' }, x.body)),
  );
}

/** What was sent and answered in one attempt, as the server keeps it (secrets masked there). */
export function renderAttemptDetail(a: InspectedAttempt): HTMLElement {
  const req = a.request;
  const res = a.response;
  return h(
    'div',
    { class: 'attempt-detail', 'data-attempt-id': a.attempt_id },
    h(
      'p',
      { class: 'hint' },
      `Delivery ${a.delivery_id}, attempt ${text(a.attempt)}, ${a.time ? formatTime(a.time) : ''}, ${text(a.duration_ms)} ms`,
      a.error_class ? `, ${a.error_class}` : '',
      a.resent_from ? ` (a resend of ${a.resent_from})` : '',
    ),
    req ? exchangeView('Request', `${req.method ?? 'POST'} ${req.url ?? ''}`, req) : h('p', { class: 'muted' }, 'No HTTP request was made.'),
    res ? exchangeView('Response', `HTTP ${text(res.status)}`, res) : h('p', { class: 'muted' }, `No answer${a.error ? `: ${a.error}` : '.'}`),
  );
}

/**
 * The attempts of one notification: what each attempt sent and got back (issue 18's inspection,
 * `GET …/deliveries`; the plain attempt log when the server keeps no inspection), with "Details"
 * for one attempt in full and "Resend" for its delivery (same `webhook-id`).
 */
export function openAttemptsDialog(session: Session, scope: Scope, n: Notification): void {
  const body = h('div', { class: 'attempts-body', 'aria-live': 'polite' }, h('p', {}, 'Loading…'));
  const status = h('p', { class: 'status', role: 'status', hidden: true });
  const detail = h('div', { class: 'attempt-detail-slot' });
  const refresh = h('button', { type: 'button', class: 'button-quiet' }, 'Refresh');
  const close = h('button', { type: 'button', class: 'button-secondary' }, 'Close');
  const dialog = openModal(
    'attempts-heading',
    h('div', { class: 'card-head' }, h('h2', { id: 'attempts-heading' }, `Delivery attempts: ${n.title ?? n.uuid}`), refresh),
    status,
    body,
    detail,
    h('div', { class: 'form-actions' }, close),
  );
  close.addEventListener('click', () => dialog.close());
  close.focus();

  const showDetail = async (a: InspectedAttempt): Promise<void> => {
    replace(detail, h('p', {}, 'Loading…'));
    try {
      const full = await session.guard(session.api.attempt(scope, n.uuid, a.attempt_id));
      replace(detail, renderAttemptDetail(full));
      detail.scrollIntoView?.({ block: 'nearest' });
    } catch (err) {
      replace(detail, h('p', { class: 'notice', role: 'alert' }, `The attempt could not be read: ${errorText(err)}`));
    }
  };

  const resend = async (a: InspectedAttempt): Promise<void> => {
    say(status, `Resending delivery ${a.delivery_id}…`);
    try {
      const r = await session.guard(session.api.resend(scope, n.uuid, a.delivery_id));
      say(status, `Delivery ${r.delivery_id} queued again (attempt ${r.attempt}), with the same webhook-id.`, 'ok');
    } catch (err) {
      say(status, `Resend failed: ${errorText(err)}`, 'error');
    }
  };

  const row = (a: Attempt): HTMLTableRowElement => {
    const failed = a.outcome !== 'success';
    const inspected = isInspected(a) ? a : undefined;
    const action = (label: string, run: (x: InspectedAttempt) => Promise<void>): HTMLButtonElement | null => {
      if (!inspected) return null;
      const b = h('button', { type: 'button', class: 'button-secondary', 'data-action': label.toLowerCase(), 'aria-label': `${label}: attempt ${text(a.attempt)} of ${inspected.delivery_id}` }, label);
      b.addEventListener('click', () => void run(inspected));
      return b;
    };
    return h(
      'tr',
      { class: failed ? 'attempt-failed' : 'attempt-ok', 'data-delivery-id': inspected?.delivery_id },
      h('td', {}, a.time ? formatTime(a.time) : ''),
      h('td', { class: 'num' }, text(a.attempt)),
      h(
        'td',
        { 'data-col': 'outcome' },
        h('span', { class: `badge badge-outcome badge-${failed ? 'bad' : 'good'}` }, text(a.outcome) || 'unknown'),
        a.test ? h('span', { class: 'badge' }, 'test') : null,
        inspected?.resent_from ? h('span', { class: 'badge' }, 'resent') : null,
      ),
      h('td', { class: 'num', 'data-col': 'status' }, a.status_code === null || a.status_code === undefined ? '—' : text(a.status_code)),
      h('td', { class: 'num' }, a.duration_ms === undefined ? '' : `${text(a.duration_ms)} ms`),
      h('td', { class: 'error-text' }, text(a.error)),
      h('td', {}, h('div', { class: 'actions' }, action('Details', showDetail), action('Resend', resend))),
    );
  };

  const load = async (): Promise<void> => {
    try {
      // The inspected attempts when the server keeps them; the attempt log otherwise.
      let attempts: Attempt[] = await session.guard(session.api.deliveries(scope, n.uuid)).catch((err: unknown) => {
        if (err instanceof ApiError && (err.status === 404 || err.status === 501)) return [];
        throw err;
      });
      if (attempts.length === 0) attempts = attemptsOf(await session.guard(session.api.attempts(scope, n.uuid)));
      if (attempts.length === 0) return replace(body, h('p', {}, 'No delivery attempts recorded yet.'));
      const head = ['Time', 'Attempt', 'Outcome', 'Status', 'Duration', 'Error', ''].map((c) => h('th', { scope: 'col' }, c));
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
          : `The attempt log could not be loaded: ${errorText(err)}`;
      replace(body, h('p', { class: 'notice', role: 'alert' }, message));
    }
  };
  refresh.addEventListener('click', () => void load());
  void load();
}
