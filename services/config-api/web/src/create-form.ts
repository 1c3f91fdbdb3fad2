import { ApiError, type CreateRequest, type Notification } from './api.js';
import { EVENTS, METHODS, eventSpec, methodSpec, type FieldSpec } from './catalog.js';
import { h, replace, say } from './dom.js';
import { renderEmailAuthorization } from './email-authorization.js';
import { clearFieldError, renderField, setPath, showFieldError, valueOf, type FieldView } from './form-fields.js';
import { EXAMPLES, previewRefs, renderRefPreview, type PreviewRefs } from './ref-preview.js';
import { renderSecretPanel } from './secret-panel.js';
import type { Session } from './session.js';

const EVENT_FIELD: FieldSpec = {
  key: 'event',
  label: 'Event',
  kind: 'select',
  options: EVENTS.map((e) => ({ value: e.kind, label: e.label })),
};
const METHOD_FIELD: FieldSpec = {
  key: 'method',
  label: 'Method',
  kind: 'select',
  options: METHODS.map((m) => ({ value: m.method, label: m.label })),
};
const TITLE_FIELD: FieldSpec = { key: 'title', label: 'Title (optional)', kind: 'text', placeholder: 'e.g. Production deploys' };

export interface CreateForm {
  root: HTMLElement;
  dispose(): void;
}

/** The field a server error names, or the closest one (`config.target` → the first target field). */
function fieldFor(fields: FieldView[], name: string | undefined): FieldView | undefined {
  if (!name) return undefined;
  return fields.find((f) => f.spec.key === name) ?? fields.find((f) => f.spec.key.startsWith(`${name}.`));
}

/**
 * "Create notification", as in Quay: *When this event occurs* (with the event's filter), *Then issue
 * a notification* (with the method's fields), an optional title. The server validates; its message
 * appears beside the field it names, and nothing is created.
 */
export function renderCreateForm(session: Session, repository: string, onCreated: (n: Notification) => void): CreateForm {
  const event = renderField(EVENT_FIELD);
  const method = renderField(METHOD_FIELD);
  const title = renderField(TITLE_FIELD);
  const filters = h('div', { class: 'sub-fields' });
  const methodFields = h('div', { class: 'sub-fields' });
  const formError = h('p', { class: 'form-error', role: 'alert', hidden: true });
  const submit = h('button', { type: 'submit', class: 'button-primary' }, 'Create notification');
  const created = h('div', { class: 'created-slot' });
  let filterViews: FieldView[] = [];
  let methodViews: FieldView[] = [];
  let disposeMethod = (): void => undefined;
  // Read once, when a build event is first chosen; if they cannot be read, the examples stay.
  let recentRefs: Promise<PreviewRefs> | undefined;
  const loadRecentRefs = (): Promise<PreviewRefs> =>
    (recentRefs ??= session.guard(session.api.recentRefs(repository)).then(
      (refs) => previewRefs(refs.map((r) => r.ref)),
      () => EXAMPLES,
    ));

  const renderFilters = (): void => {
    filterViews = (eventSpec(event.control.value)?.filters ?? []).map((s) => {
      const f = renderField(s);
      if (s.key === 'eventConfig.ref-regex') f.root.append(renderRefPreview(f.control, EXAMPLES, loadRecentRefs()));
      return f;
    });
    replace(filters, ...filterViews.map((f) => f.root));
  };
  const renderMethodFields = (): void => {
    disposeMethod();
    disposeMethod = () => undefined;
    methodViews = (methodSpec(method.control.value)?.fields ?? []).map((s) => {
      if (s.kind !== 'email') return renderField(s);
      const auth = renderEmailAuthorization(s, session, repository);
      disposeMethod = auth.dispose;
      return auth.field;
    });
    replace(methodFields, ...methodViews.map((f) => f.root));
  };
  event.control.addEventListener('change', renderFilters);
  method.control.addEventListener('change', renderMethodFields);
  // Webhook first: the method most admins come for.
  method.control.value = 'webhook';
  renderFilters();
  renderMethodFields();

  const all = (): FieldView[] => [event, ...filterViews, method, ...methodViews, title];

  const form = h(
    'form',
    { class: 'create-form', novalidate: true },
    h('fieldset', {}, h('legend', {}, 'When this event occurs'), event.root, filters),
    h('fieldset', {}, h('legend', {}, 'Then issue a notification'), method.root, methodFields),
    title.root,
    formError,
    h('div', { class: 'form-actions' }, submit),
  );

  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    for (const f of all()) clearFieldError(f);
    say(formError, '');
    const req: CreateRequest = { event: event.control.value, method: method.control.value, config: {}, eventConfig: {} };
    const body = req as unknown as Record<string, unknown>;
    for (const f of [...filterViews, ...methodViews]) {
      const v = valueOf(f);
      if (v !== undefined) setPath(body, f.spec.key, v);
    }
    const t = valueOf(title);
    if (typeof t === 'string') req.title = t;
    submit.disabled = true;
    try {
      const n = await session.guard(session.api.createNotification(repository, req));
      for (const f of [title, ...filterViews, ...methodViews]) if (f.spec.kind !== 'select') f.control.value = '';
      renderMethodFields();
      replace(created, renderSecretPanel(n, () => replace(created)));
      onCreated(n);
    } catch (err) {
      const target = err instanceof ApiError ? fieldFor(all(), err.field) : undefined;
      const message = err instanceof Error ? err.message : 'The notification could not be created.';
      if (target) {
        // "config.room_id: must be digits" beside the Room ID field: the prefix only repeats the label.
        const prefix = `${err instanceof ApiError ? err.field : ''}: `;
        showFieldError(target, message.startsWith(prefix) ? message.slice(prefix.length) : message);
        target.control.focus();
      } else {
        say(formError, message, 'error');
      }
    } finally {
      submit.disabled = false;
    }
  });

  const root = h(
    'section',
    { class: 'card', 'aria-labelledby': 'create-heading' },
    h('h2', { id: 'create-heading' }, 'Create notification'),
    created,
    form,
  );
  return { root, dispose: () => disposeMethod() };
}
