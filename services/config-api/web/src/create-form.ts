import type { Notification } from './api.js';
import { h, replace } from './dom.js';
import { renderNotificationFields } from './notification-form.js';
import { renderSecretPanel } from './secret-panel.js';
import type { Scope } from './scope.js';
import type { Session } from './session.js';

export interface CreateForm {
  root: HTMLElement;
  dispose(): void;
}

/**
 * "Create notification", as in Quay: *When this event occurs* (with the event's filter), *Then issue
 * a notification* (with the method's fields), an optional title. The server validates; its message
 * appears beside the field it names, and nothing is created.
 */
export function renderCreateForm(session: Session, scope: Scope, onCreated: (n: Notification) => void): CreateForm {
  const submit = h('button', { type: 'submit', class: 'button-primary' }, 'Create notification');
  const created = h('div', { class: 'created-slot' });
  const fields = renderNotificationFields(session, scope, h('div', { class: 'form-actions' }, submit));

  fields.form.addEventListener('submit', async (e) => {
    e.preventDefault();
    fields.clearErrors();
    submit.disabled = true;
    try {
      const n = await session.guard(session.api.createNotification(scope, fields.request()));
      fields.clear();
      replace(created, renderSecretPanel(n, () => replace(created)));
      onCreated(n);
    } catch (err) {
      fields.showError(err, 'The notification could not be created.');
    } finally {
      submit.disabled = false;
    }
  });

  const root = h(
    'section',
    { class: 'card', 'aria-labelledby': 'create-heading' },
    h('h2', { id: 'create-heading' }, 'Create notification'),
    created,
    fields.form,
  );
  return { root, dispose: () => fields.dispose() };
}
