import { renderCreateForm } from './create-form.js';
import { h, hashLink, replace } from './dom.js';
import { renderNotificationsList } from './notifications-list.js';
import type { Session } from './session.js';

/** One repository: its notifications, then the create form. Returns a teardown for navigation. */
export function renderRepositoryView(main: HTMLElement, session: Session, repository: string): () => void {
  const list = renderNotificationsList(session, repository);
  const form = renderCreateForm(session, repository, () => void list.refresh());
  replace(
    main,
    h('nav', { class: 'crumbs', 'aria-label': 'Breadcrumb' }, hashLink('/', 'Repositories'), h('span', { 'aria-hidden': 'true' }, ' / ')),
    h('h1', { class: 'mono repo-title' }, repository),
    list.root,
    form.root,
  );
  void list.refresh();
  return () => form.dispose();
}
