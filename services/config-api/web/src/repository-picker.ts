import { h, hashLink, replace, say, uid } from './dom.js';
import { repositoryRoute } from './routes.js';
import { scopeRoute } from './scope.js';
import type { Session } from './session.js';

// The server's rule (Docker distribution path components); checked here only to help typing.
const COMPONENT = /^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*$/;

function isRepositoryName(name: string): boolean {
  const parts = name.split('/');
  return parts.length >= 2 && parts.every((p) => COMPONENT.test(p));
}

/** A small form opening a repository: under `namespace/` when given, or a full name. */
function openForm(namespace: string | undefined, go: (repo: string) => void): HTMLFormElement {
  const id = uid('repo');
  const input = h('input', {
    id,
    type: 'text',
    required: true,
    autocomplete: 'off',
    spellcheck: 'false',
    placeholder: namespace ? 'repository' : 'namespace/repository',
  });
  const status = h('p', { class: 'field-error', role: 'alert', hidden: true });
  const label = namespace ? `Repository in ${namespace}/` : 'Repository (namespace/name)';
  const form = h(
    'form',
    { class: 'open-repo', novalidate: true },
    h('label', { for: id }, label),
    h('div', { class: 'inline' }, namespace ? h('span', { class: 'prefix mono' }, `${namespace}/`) : null, input, h('button', { type: 'submit' }, 'Open')),
    status,
  );
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    const name = input.value.trim().replace(/^\/+|\/+$/g, '');
    const repo = namespace ? `${namespace}/${name}` : name;
    if (!isRepositoryName(repo)) return say(status, 'Use lowercase letters, digits and . _ - separators, e.g. team/app.', 'error');
    go(repo);
  });
  return form;
}

/** The repositories the token grants admin on, and fields for names under namespace grants. */
export function renderRepositoryPicker(main: HTMLElement, session: Session, go: (repo: string) => void): void {
  const { repositories, namespaces } = session.scope;
  const list =
    repositories.length === 0
      ? null
      : h(
          'section',
          { class: 'card', 'aria-labelledby': 'repos-heading' },
          h('h2', { id: 'repos-heading' }, 'Repositories you administer'),
          h('ul', { class: 'repo-list' }, ...repositories.map((r) => h('li', {}, hashLink(repositoryRoute(r), r, { class: 'mono' })))),
        );
  const forms = namespaces.flatMap((ns) => [
    openForm(ns, go),
    h('p', { class: 'scope-entry' }, hashLink(scopeRoute({ kind: 'namespace', namespace: ns }), `Namespace-wide notifications of ${ns}`, { 'data-scope': 'namespace' })),
  ]);
  // No grants the page can read (a superuser, or a registry with other claims): any name, the server decides.
  if (repositories.length === 0 && namespaces.length === 0) forms.push(openForm(undefined, go));
  // Shown once the server has said the token is a superuser's (scope-view.ts asks the same way).
  const registry = h('p', { class: 'scope-entry', hidden: true }, hashLink(scopeRoute({ kind: 'registry' }), 'Registry-wide notifications', { 'data-scope': 'registry' }));
  void session.superuser().then((yes) => void (registry.hidden = !yes));
  replace(
    main,
    h('h1', {}, 'Repositories'),
    registry,
    list,
    forms.length === 0
      ? null
      : h(
          'section',
          { class: 'card', 'aria-labelledby': 'ns-heading' },
          h('h2', { id: 'ns-heading' }, namespaces.length > 0 ? 'Namespaces you administer' : 'Open a repository'),
          ...forms,
        ),
  );
}
