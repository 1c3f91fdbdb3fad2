import { ApiError, type CreateRequest, type Notification } from './api.js';
import { EVENTS, METHODS, eventSpec, methodSpec, type FieldSpec } from './catalog.js';
import { h, replace, say } from './dom.js';
import { renderEmailAuthorization } from './email-authorization.js';
import { clearFieldError, renderField, setPath, showFieldError, valueOf, type FieldView } from './form-fields.js';
import { EXAMPLES, previewRefs, renderRefPreview, type PreviewRefs } from './ref-preview.js';
import { scopeAllowsMethod, type Scope } from './scope.js';
import type { Session } from './session.js';
import { renderTagFilterField, type TagFilterField } from './tag-filter-field.js';

const EVENT_FIELD: FieldSpec = {
  key: 'event',
  label: 'Event',
  kind: 'select',
  options: EVENTS.map((e) => ({ value: e.kind, label: e.label })),
};
const methodField = (scope: Scope): FieldSpec => ({
  key: 'method',
  label: 'Method',
  kind: 'select',
  options: METHODS.filter((m) => scopeAllowsMethod(scope, m.method)).map((m) => ({ value: m.method, label: m.label })),
});
const TITLE_FIELD: FieldSpec = { key: 'title', label: 'Title (optional)', kind: 'text', placeholder: 'e.g. Production deploys' };

/** The fields of a notification, as the create form and the edit form both show them. */
export interface NotificationFields {
  form: HTMLFormElement;
  /** The form-wide message slot (errors that name no field of the form). */
  formError: HTMLElement;
  /** The request body the fields make (the create body; a PUT adds its extras). */
  request(): CreateRequest;
  /** Shows a failed call's message beside the field it names, or in the form's slot. */
  showError(err: unknown, fallback: string): void;
  clearErrors(): void;
  /** Empties what the admin typed (after a create). */
  clear(): void;
  dispose(): void;
}

/** The view a server error names, or the closest one (`config.target` → the first target field). */
function fieldFor(fields: FieldView[], tags: TagFilterField | undefined, name: string | undefined): FieldView | undefined {
  if (!name) return undefined;
  if (tags && /^eventConfig\.tag-(glob|regex)/.test(name)) return tags.patterns;
  return fields.find((f) => f.spec.key === name) ?? fields.find((f) => f.spec.key.startsWith(`${name}.`));
}

/** The value at a field's key (`config.target.kind`) in a notification, as the control shows it. */
function storedValue(n: Notification, key: string): string {
  const [root, ...path] = key.split('.');
  let at: unknown = root === 'config' ? n.config : root === 'eventConfig' ? n.event_config : root === 'title' ? n.title : undefined;
  for (const k of path) at = typeof at === 'object' && at !== null ? (at as Record<string, unknown>)[k] : undefined;
  return typeof at === 'string' || typeof at === 'number' ? String(at) : '';
}

/**
 * *When this event occurs* (with the event's filters), *Then issue a notification* (with the method's
 * fields), an optional title; `actions` ends the form. With `existing`, the fields show that
 * notification and its event and method are fixed (a PUT cannot change them).
 */
export function renderNotificationFields(session: Session, scope: Scope, actions: HTMLElement, existing?: Notification): NotificationFields {
  const event = renderField(EVENT_FIELD);
  const method = renderField(methodField(scope));
  const title = renderField(TITLE_FIELD);
  const filters = h('div', { class: 'sub-fields' });
  const methodFields = h('div', { class: 'sub-fields' });
  const formError = h('p', { class: 'form-error', role: 'alert', hidden: true });
  let filterViews: FieldView[] = [];
  let tagFilter: TagFilterField | undefined;
  let methodViews: FieldView[] = [];
  let disposeMethod = (): void => undefined;
  // Read once, when a build event is first chosen; if they cannot be read, the examples stay.
  let recentRefs: Promise<PreviewRefs> | undefined;
  const loadRecentRefs = (): Promise<PreviewRefs> =>
    (recentRefs ??=
      scope.kind === 'repository'
        ? session.guard(session.api.recentRefs(scope.repository)).then(
            (refs) => previewRefs(refs.map((r) => r.ref)),
            () => EXAMPLES,
          )
        : Promise.resolve(EXAMPLES));

  const renderFilters = (fill?: Notification): void => {
    const spec = eventSpec(event.control.value);
    filterViews = (spec?.filters ?? []).map((s) => {
      const f = renderField(s);
      if (fill) f.control.value = storedValue(fill, s.key);
      if (s.key === 'eventConfig.ref-regex') f.root.append(renderRefPreview(f.control, EXAMPLES, loadRecentRefs()));
      return f;
    });
    tagFilter = spec?.tagFilter ? renderTagFilterField(fill?.event_config) : undefined;
    replace(filters, ...filterViews.map((f) => f.root), tagFilter?.root);
  };
  const renderMethodFields = (fill?: Notification): void => {
    disposeMethod();
    disposeMethod = () => undefined;
    methodViews = (methodSpec(method.control.value)?.fields ?? []).map((s) => {
      let f: FieldView;
      if (s.kind !== 'email') f = renderField(s);
      else {
        // Offered in repository scope only (scopeAllowsMethod): addresses are authorized per repository.
        const auth = renderEmailAuthorization(s, session, scope.kind === 'repository' ? scope.repository : '');
        disposeMethod = auth.dispose;
        f = auth.field;
      }
      if (fill) f.control.value = storedValue(fill, s.key);
      return f;
    });
    replace(methodFields, ...methodViews.map((f) => f.root));
  };
  event.control.addEventListener('change', () => renderFilters());
  method.control.addEventListener('change', () => renderMethodFields());
  if (existing) {
    event.control.value = existing.event;
    method.control.value = existing.method;
    title.control.value = existing.title ?? '';
    // A PUT cannot change them: shown for context only.
    event.control.disabled = true;
    method.control.disabled = true;
  } else {
    // Webhook first: the method most admins come for.
    method.control.value = 'webhook';
  }
  renderFilters(existing);
  renderMethodFields(existing);

  const all = (): FieldView[] => [event, ...filterViews, ...(tagFilter?.views ?? []), method, ...methodViews, title];

  const form = h(
    'form',
    { class: 'create-form', novalidate: true },
    h('fieldset', {}, h('legend', {}, 'When this event occurs'), event.root, filters),
    h('fieldset', {}, h('legend', {}, 'Then issue a notification'), method.root, methodFields),
    title.root,
    formError,
    actions,
  );

  return {
    form,
    formError,
    request(): CreateRequest {
      const req: CreateRequest = { event: event.control.value, method: method.control.value, config: {}, eventConfig: {} };
      const body = req as unknown as Record<string, unknown>;
      for (const f of [...filterViews, ...methodViews]) {
        const v = valueOf(f);
        if (v !== undefined) setPath(body, f.spec.key, v);
      }
      Object.assign(req.eventConfig, tagFilter?.entries());
      const t = valueOf(title);
      // An edit that empties the title removes it; a create leaves it out.
      if (typeof t === 'string') req.title = t;
      else if (existing) (req as { title?: string | null }).title = null;
      return req;
    },
    showError(err, fallback) {
      const field = err instanceof ApiError ? err.field : undefined;
      const target = fieldFor(all(), tagFilter, field);
      const message = err instanceof Error ? err.message : fallback;
      if (target) {
        // "config.room_id: must be digits" beside the Room ID field: the prefix only repeats the label.
        const prefix = `${field ?? ''}: `;
        showFieldError(target, message.startsWith(prefix) ? message.slice(prefix.length) : message);
        target.control.focus();
      } else {
        say(formError, message, 'error');
      }
    },
    clearErrors() {
      for (const f of all()) clearFieldError(f);
      say(formError, '');
    },
    clear() {
      for (const f of [title, ...filterViews, ...methodViews]) if (f.spec.kind !== 'select') f.control.value = '';
      renderFilters();
      renderMethodFields();
    },
    dispose: () => disposeMethod(),
  };
}
