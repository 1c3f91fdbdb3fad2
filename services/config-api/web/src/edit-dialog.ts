import { ApiError, type Notification, type UpdateRequest } from './api.js';
import { eventLabel } from './catalog.js';
import { formatTime, h, replace, say, uid } from './dom.js';
import { openModal } from './modal.js';
import { renderNotificationFields, type NotificationFields } from './notification-form.js';
import { renderSecretPanel } from './secret-panel.js';
import type { Scope } from './scope.js';
import type { Session } from './session.js';

/** What the page says when the notification changed between opening the form and saving it (409). */
export const CHANGED_TEXT = 'This notification changed since you opened it — reload to see the current version, then edit again.';

/** The overlap field's value: undefined when empty (the service's default), NaN when not a whole number. */
function overlapSeconds(text: string): number | undefined {
  const t = text.trim();
  if (t === '') return undefined;
  return /^\d{1,8}$/.test(t) ? Number(t) : Number.NaN;
}

function overlapNote(seconds: number | undefined, at: number): string {
  if (seconds === undefined) return 'The previous secret keeps signing too for the service’s configured overlap (SIGNING_SECRET_OVERLAP_SECONDS).';
  if (seconds === 0) return 'The previous secret stopped signing at once (no overlap).';
  return `The previous secret keeps signing too until ${formatTime(new Date(at + seconds * 1000).toISOString())} (${seconds} s).`;
}

/**
 * Edits a notification in a modal: the create form's fields filled from `GET …/notification/{uuid}`
 * (config unmasked), event and method fixed, saved with `PUT` and the version read. A 409 (changed
 * since) says so and offers a reload. Webhooks can rotate their signing secret: the new one is shown
 * once, in the create flow's panel, with the time the previous one stops signing.
 */
export function openEditDialog(session: Session, scope: Scope, listed: Notification, onSaved: (n: Notification, text: string) => void): void {
  const body = h('div', { class: 'edit-body' }, h('p', {}, 'Loading…'));
  const name = listed.title ?? eventLabel(listed.event);
  const dialog = openModal('edit-heading', h('h2', { id: 'edit-heading' }, `Edit: ${name}`), body);
  let fields: NotificationFields | undefined;
  dialog.addEventListener('close', () => fields?.dispose());

  const load = async (): Promise<void> => {
    fields?.dispose();
    fields = undefined;
    replace(body, h('p', {}, 'Loading…'));
    let current: Notification;
    try {
      current = await session.guard(session.api.getNotification(scope, listed.uuid));
    } catch (err) {
      const close = h('button', { type: 'button', class: 'button-secondary' }, 'Close');
      close.addEventListener('click', () => dialog.close());
      replace(body, h('p', { class: 'notice', role: 'alert' }, `The notification could not be read: ${err instanceof Error ? err.message : 'request failed'}`), h('div', { class: 'form-actions' }, close));
      close.focus();
      return;
    }
    render(current);
  };

  const render = (current: Notification): void => {
    const save = h('button', { type: 'submit', class: 'button-primary' }, 'Save changes');
    const cancel = h('button', { type: 'button', class: 'button-secondary' }, 'Cancel');
    cancel.addEventListener('click', () => dialog.close());
    let rotate = false;
    const rotation = current.method === 'webhook' ? rotationFields() : undefined;
    const f = renderNotificationFields(session, scope, h('div', { class: 'form-actions' }, save, cancel), current);
    fields = f;
    if (rotation) f.form.insertBefore(rotation.root, f.formError);
    rotation?.button.addEventListener('click', () => {
      rotate = true;
      f.form.requestSubmit();
    });

    f.form.addEventListener('submit', async (e) => {
      e.preventDefault();
      const rotating = rotate;
      rotate = false;
      f.clearErrors();
      const req: UpdateRequest = { ...f.request(), version: current.version };
      const overlap = rotation ? overlapSeconds(rotation.overlap.value) : undefined;
      if (rotating) {
        if (Number.isNaN(overlap)) return say(f.formError, 'Overlap: a whole number of seconds, or empty for the service’s default.', 'error');
        req.rotate_secret = true;
        if (overlap !== undefined) req.secret_overlap_seconds = overlap;
      }
      for (const b of [save, rotation?.button]) if (b) b.disabled = true;
      try {
        const saved = await session.guard(session.api.updateNotification(scope, current.uuid, req));
        const savedName = saved.title ?? eventLabel(saved.event);
        if (rotating && saved.signing_secret) {
          f.dispose();
          fields = undefined;
          replace(body, renderSecretPanel(saved, () => dialog.close(), { heading: `Secret rotated: ${savedName}`, note: overlapNote(overlap, Date.now()) }));
          body.querySelector('button')?.focus();
          onSaved(saved, `${savedName}: saved, signing secret rotated.`);
          return;
        }
        dialog.close();
        onSaved(saved, `${savedName}: saved.`);
      } catch (err) {
        if (err instanceof ApiError && err.status === 409) return showConflict(f);
        f.showError(err, 'The notification could not be saved.');
      } finally {
        for (const b of [save, rotation?.button]) if (b) b.disabled = false;
      }
    });
    replace(body, f.form);
    f.form.querySelector<HTMLElement>('input:not([disabled]), textarea, select:not([disabled])')?.focus();
  };

  const showConflict = (f: NotificationFields): void => {
    const reload = h('button', { type: 'button', class: 'button-secondary', 'data-action': 'reload' }, 'Reload');
    reload.addEventListener('click', () => void load());
    replace(f.formError, CHANGED_TEXT, ' ', reload);
    f.formError.dataset['tone'] = 'error';
    f.formError.dataset['conflict'] = '';
    f.formError.hidden = false;
    reload.focus();
  };

  void load();
}

/** The webhook's secret rotation: an optional overlap and the button that saves with `rotate_secret`. */
function rotationFields(): { root: HTMLElement; overlap: HTMLInputElement; button: HTMLButtonElement } {
  const id = uid('overlap');
  const overlap = h('input', { id, type: 'text', inputmode: 'numeric', autocomplete: 'off', class: 'short', placeholder: 'default', 'aria-describedby': `${id}-hint` });
  const button = h('button', { type: 'button', class: 'button-secondary', 'data-action': 'rotate' }, 'Save and rotate secret');
  const root = h(
    'fieldset',
    { class: 'rotation' },
    h('legend', {}, 'Signing secret'),
    h('div', { class: 'field' }, h('label', { for: id }, 'Overlap in seconds (optional)'), overlap, h(
      'p',
      { class: 'hint', id: `${id}-hint` },
      'Rotating gives the webhook a new secret, shown once. During the overlap deliveries carry a signature with each secret, so the receiver can switch without missing one. Empty: the service’s default.',
    )),
    h('div', { class: 'form-actions' }, button),
  );
  return { root, overlap, button };
}
