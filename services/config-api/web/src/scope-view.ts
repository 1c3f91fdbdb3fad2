import { renderAuditView } from './audit-view.js';
import { renderCreateForm } from './create-form.js';
import { h, hashLink, replace } from './dom.js';
import { renderNotificationsList } from './notifications-list.js';
import { scopeCoverage, scopeName, scopeRoute, type Scope } from './scope.js';
import type { Session } from './session.js';

/** The scopes the switcher offers from `scope`: its repository, its namespace, the registry for superusers. */
function switchable(scope: Scope, superuser: boolean): Array<{ scope: Scope; label: string }> {
  const out: Array<{ scope: Scope; label: string }> = [];
  if (scope.kind === 'repository') out.push({ scope, label: `Repository ${scope.repository}` });
  const namespace = scope.kind === 'repository' ? scope.repository.split('/')[0] : scope.kind === 'namespace' ? scope.namespace : undefined;
  if (namespace) out.push({ scope: { kind: 'namespace', namespace }, label: `Namespace ${namespace}/*` });
  if (superuser || scope.kind === 'registry') out.push({ scope: { kind: 'registry' }, label: 'Registry-wide' });
  return out;
}

/**
 * The scope switcher: links between a repository, its namespace (notifications for every repository
 * of it) and, for superusers, the whole registry. The registry link appears once the server has
 * answered the superuser list (a 403 leaves it out).
 */
function renderSwitcher(session: Session, scope: Scope): HTMLElement {
  const nav = h('nav', { class: 'scope-switcher', 'aria-label': 'Scope' });
  const render = (superuser: boolean): void => {
    replace(
      nav,
      h('span', { class: 'scope-switcher-label' }, 'Scope:'),
      ...switchable(scope, superuser).map((s) =>
        hashLink(scopeRoute(s.scope), s.label, { class: 'scope-link', 'data-scope': s.scope.kind, 'aria-current': s.scope.kind === scope.kind ? 'page' : undefined }),
      ),
    );
  };
  render(false);
  void session.superuser().then((yes) => yes && nav.isConnected && render(true));
  return nav;
}

/** One scope: the switcher, its notifications, the create form, the audit log. Returns a teardown for navigation. */
export function renderScopeView(main: HTMLElement, session: Session, scope: Scope): () => void {
  const audit = renderAuditView(session, scope);
  // Every change the list shows has an audit entry: the log follows the list.
  const list = renderNotificationsList(session, scope, () => void audit.refresh());
  const form = renderCreateForm(session, scope, () => void list.refresh());
  replace(
    main,
    h('nav', { class: 'crumbs', 'aria-label': 'Breadcrumb' }, hashLink('/', 'Repositories'), h('span', { 'aria-hidden': 'true' }, ' / ')),
    h('h1', { class: 'mono repo-title' }, scopeName(scope)),
    renderSwitcher(session, scope),
    h('p', { class: 'hint scope-coverage' }, scopeCoverage(scope)),
    list.root,
    form.root,
    audit.root,
  );
  void list.refresh();
  return () => form.dispose();
}
