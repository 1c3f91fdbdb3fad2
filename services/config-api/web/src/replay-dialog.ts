import { ApiError, type Notification } from './api.js';
import { formatTime, h, replace, say, uid } from './dom.js';
import { openModal } from './modal.js';
import { scopeApiPath, type Scope } from './scope.js';
import type { Session } from './session.js';

/** A replay's state (`…/notification/{uuid}/replay`, schemas/replay.ts; issue 18). */
export interface ReplayStatus {
  id: string;
  state: 'running' | 'done' | 'cancelled' | 'failed';
  from: string;
  to: string;
  scanned: number;
  matched: number;
  produced: number;
  done: number;
  total: number;
  requested_by: string;
  created_at: string;
  finished_at: string | null;
  error: string | null;
}

/** How often a running replay's progress is read again. */
export const PROGRESS_INTERVAL_MS = 1_000;

/** `datetime-local` value (the admin's local time, to the second) of a time. */
export function localInput(d: Date): string {
  const p = (n: number): string => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())}T${p(d.getHours())}:${p(d.getMinutes())}:${p(d.getSeconds())}`;
}

/** The progress in words: offsets passed of the window's, events read, matched, jobs queued. */
export function progressText(r: ReplayStatus): string {
  const head = { running: 'Running', done: 'Done', cancelled: 'Cancelled', failed: 'Failed' }[r.state];
  const counts = `${r.done} of ${r.total} offsets; ${r.scanned} events read, ${r.matched} matched, ${r.produced} queued for delivery`;
  return `${head}: ${counts}.${r.error ? ` ${r.error}` : ''}`;
}

/**
 * Replays a time window of the event log to one notification (issue 18): the window's events that
 * its current filters let through are delivered again (including ones dropped while it was
 * disabled), as a background task on the server whose progress the dialog follows, and can cancel.
 */
export function openReplayDialog(session: Session, scope: Scope, n: Notification): void {
  const path = `${scopeApiPath(scope)}/notification/${encodeURIComponent(n.uuid)}/replay`;
  const fromId = uid('replay-from');
  const toId = uid('replay-to');
  const now = new Date();
  const from = h('input', { id: fromId, type: 'datetime-local', step: 1, value: localInput(new Date(now.getTime() - 3600_000)), 'data-field': 'from' });
  const to = h('input', { id: toId, type: 'datetime-local', step: 1, value: localInput(now), 'data-field': 'to' });
  const fieldError = (id: string): HTMLElement => h('p', { class: 'field-error', id: `${id}-error`, hidden: true });
  const fromError = fieldError(fromId);
  const toError = fieldError(toId);
  const formError = h('p', { class: 'form-error', role: 'alert', hidden: true });
  const start = h('button', { type: 'submit', class: 'button-primary' }, 'Start replay');
  const cancel = h('button', { type: 'button', class: 'button-danger-quiet', hidden: true }, 'Cancel replay');
  const close = h('button', { type: 'button', class: 'button-secondary' }, 'Close');
  const bar = h('progress', { max: 1, value: 0 });
  const progress = h('p', { class: 'replay-progress', role: 'status', 'aria-live': 'polite' });
  const progressBox = h('div', { class: 'replay-status', hidden: true }, bar, progress);
  const form = h(
    'form',
    { class: 'replay-form', novalidate: true },
    h('p', { class: 'hint' }, 'Events of this repository appended to the event log in the window are delivered again if the notification’s current filters let them through, disabled or not; each keeps its original delivery id (webhook-id), and receivers see a replayed marker.'),
    h('div', { class: 'field' }, h('label', { for: fromId }, 'From (your local time)'), from, fromError),
    h('div', { class: 'field' }, h('label', { for: toId }, 'To (not included)'), to, toError),
    formError,
    progressBox,
    h('div', { class: 'form-actions' }, start, cancel, close),
  );
  const dialog = openModal('replay-heading', h('h2', { id: 'replay-heading' }, `Replay: ${n.title ?? n.uuid}`), form);
  let timer: number | undefined;
  dialog.addEventListener('close', () => window.clearTimeout(timer));
  close.addEventListener('click', () => dialog.close());

  const show = (r: ReplayStatus): void => {
    progressBox.hidden = false;
    progressBox.dataset['state'] = r.state;
    bar.max = Math.max(1, r.total);
    bar.value = r.state === 'done' ? bar.max : r.done;
    replace(progress, progressText(r), h('span', { class: 'sub' }, `Window ${formatTime(r.from)} – ${formatTime(r.to)}, started by ${r.requested_by}.`));
    const running = r.state === 'running';
    cancel.hidden = !running;
    start.disabled = running;
    window.clearTimeout(timer);
    // A cancelled replay's counts are final once it has stopped (finished_at set): follow it until then.
    if (running || r.finished_at === null) timer = window.setTimeout(() => void poll(), PROGRESS_INTERVAL_MS);
  };
  const poll = async (): Promise<void> => {
    try {
      show(await session.guard(session.api.call<ReplayStatus>('GET', path)));
    } catch (err) {
      // 404: never replayed; nothing to show yet.
      if (!(err instanceof ApiError && err.status === 404)) say(formError, `The replay's progress could not be read: ${err instanceof Error ? err.message : 'request failed'}`, 'error');
    }
  };

  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    for (const el of [fromError, toError]) say(el, '');
    say(formError, '');
    const at = (input: HTMLInputElement): string | undefined => (input.value === '' || Number.isNaN(new Date(input.value).getTime()) ? undefined : new Date(input.value).toISOString());
    const body = { from: at(from), to: at(to) };
    if (!body.from) return say(fromError, 'Give the start of the window.', 'error');
    if (!body.to) return say(toError, 'Give the end of the window.', 'error');
    start.disabled = true;
    try {
      show(await session.guard(session.api.call<ReplayStatus>('POST', path, body)));
    } catch (err) {
      start.disabled = false;
      const field = err instanceof ApiError ? err.field : undefined;
      const message = err instanceof Error ? err.message : 'The replay could not be started.';
      const slot = field === 'from' ? fromError : field === 'to' ? toError : formError;
      say(slot, field && message.startsWith(`${field}: `) ? message.slice(field.length + 2) : message, 'error');
    }
  });
  cancel.addEventListener('click', async () => {
    cancel.disabled = true;
    try {
      show(await session.guard(session.api.call<ReplayStatus>('DELETE', path)));
    } catch (err) {
      // 409: it ended meanwhile; show how.
      if (err instanceof ApiError && err.status === 409) await poll();
      else say(formError, `Cancel failed: ${err instanceof Error ? err.message : 'request failed'}`, 'error');
    } finally {
      cancel.disabled = false;
    }
  });
  from.focus();
  void poll();
}
