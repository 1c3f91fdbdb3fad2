import type { InAppNotification } from './api.js';
import { byId, formatTime, h, hashLink, isoTime, replace } from './dom.js';
import { repositoryRoute } from './routes.js';
import type { Session } from './session.js';
import { inAppSummary, inAppTags } from './summary.js';

export const BELL_POLL_MS = 15_000;

export interface Bell {
  refresh(): Promise<void>;
  stop(): void;
}

/**
 * The in-app notification area (SPEC §3 `quay_notification`): the unread count on the bell, the
 * list newest first with each event's summary and a link to its repository, and dismiss.
 */
export function startBell(session: Session): Bell {
  const button = byId<HTMLButtonElement>('bell-button');
  const count = byId('bell-count');
  const panel = byId('bell-panel');
  const list = byId('bell-list');
  const empty = byId('bell-empty');
  const error = byId('bell-error');
  let items: InAppNotification[] = [];
  let more = false;
  let stopped = false;

  const render = (): void => {
    const n = items.length;
    count.hidden = n === 0;
    replace(count, more ? `${n}+` : String(n));
    button.setAttribute('aria-label', n === 0 ? 'Notifications, none unread' : `Notifications, ${more ? 'more than ' : ''}${n} unread`);
    empty.hidden = n > 0;
    replace(list, ...items.map(item));
  };

  const item = (n: InAppNotification): HTMLLIElement => {
    const summary = inAppSummary(n.kind, n.metadata ?? {}, n.repository);
    const tags = inAppTags(n.metadata ?? {});
    const dismiss = h('button', { type: 'button', class: 'button-quiet', 'aria-label': `Dismiss: ${summary}` }, 'Dismiss');
    dismiss.addEventListener('click', () => void dismissOne(n, dismiss));
    return h(
      'li',
      { class: 'bell-item', 'data-uuid': n.uuid, 'data-kind': n.kind },
      h('p', { class: 'bell-summary' }, summary),
      tags.length > 0 ? h('p', { class: 'bell-tags' }, 'Tags: ', h('span', { class: 'mono' }, tags.join(', '))) : null,
      h(
        'p',
        { class: 'bell-meta' },
        n.repository ? hashLink(repositoryRoute(n.repository), n.repository, { class: 'mono' }) : null,
        h('time', { datetime: isoTime(n.created) }, formatTime(n.created)),
        dismiss,
      ),
    );
  };

  async function dismissOne(n: InAppNotification, from: HTMLButtonElement): Promise<void> {
    from.disabled = true;
    try {
      await session.guard(session.api.dismiss(n.uuid));
      const at = items.findIndex((x) => x.uuid === n.uuid);
      items = items.filter((x) => x.uuid !== n.uuid);
      render();
      // Keep keyboard focus in the list: on the next item's dismiss, else on the bell.
      const next = list.querySelectorAll<HTMLButtonElement>('.bell-item button')[Math.min(at, items.length - 1)];
      (next ?? button).focus();
    } catch (err) {
      from.disabled = false;
      error.hidden = false;
      replace(error, `Could not dismiss: ${err instanceof Error ? err.message : 'request failed'}`);
    }
  }

  async function refresh(): Promise<void> {
    try {
      const page = await session.guard(session.api.inAppPage());
      items = [...page.notifications].sort((a, b) => Date.parse(b.created) - Date.parse(a.created));
      more = page.has_additional;
      error.hidden = true;
      render();
    } catch (err) {
      error.hidden = false;
      replace(error, `Notifications could not be loaded: ${err instanceof Error ? err.message : 'request failed'}`);
    }
  }

  const setOpen = (open: boolean): void => {
    panel.hidden = !open;
    button.setAttribute('aria-expanded', String(open));
    if (open) void refresh();
  };
  const onButton = (): void => setOpen(panel.hidden);
  const onKey = (e: KeyboardEvent): void => {
    if (e.key === 'Escape' && !panel.hidden) {
      setOpen(false);
      button.focus();
    }
  };
  const onDocClick = (e: MouseEvent): void => {
    const t = e.target;
    if (!panel.hidden && t instanceof Node && t.isConnected && !panel.contains(t) && !button.contains(t)) setOpen(false);
  };
  // Following a repository link from the list navigates: the list has done its job.
  const onNavigate = (): void => setOpen(false);
  button.addEventListener('click', onButton);
  document.addEventListener('keydown', onKey);
  document.addEventListener('click', onDocClick);
  window.addEventListener('hashchange', onNavigate);
  const timer = window.setInterval(() => {
    if (!stopped && document.visibilityState === 'visible') void refresh();
  }, BELL_POLL_MS);
  void refresh();

  return {
    refresh,
    stop() {
      stopped = true;
      window.clearInterval(timer);
      button.removeEventListener('click', onButton);
      document.removeEventListener('keydown', onKey);
      document.removeEventListener('click', onDocClick);
      window.removeEventListener('hashchange', onNavigate);
      setOpen(false);
      items = [];
      render();
    },
  };
}
