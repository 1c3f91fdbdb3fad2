import { ApiError, type Notification } from './api.js';
import { openAttemptsDialog } from './attempts-dialog.js';
import { openEditDialog } from './edit-dialog.js';
import { openHealthDialog, renderHealthSparkline } from './health-dialog.js';
import { openReplayDialog } from './replay-dialog.js';
import { describeFilter, describeTarget, eventLabel, methodLabel } from './catalog.js';
import { h, replace, say } from './dom.js';
import { confirmDialog } from './modal.js';
import type { Scope } from './scope.js';
import type { Session } from './session.js';

export interface NotificationsList {
  root: HTMLElement;
  refresh(): Promise<void>;
}

/** Rows whose last hour is charted in the list (one health request each). */
const MAX_SPARKLINES = 50;

const errorText = (err: unknown): string => (err instanceof Error ? err.message : 'request failed');

function redriveText(result: unknown): string {
  const r = (typeof result === 'object' && result !== null ? result : {}) as Record<string, unknown>;
  if (typeof r['redriven'] !== 'number') return 'Dead-lettered deliveries re-driven.';
  const before = r['alreadyRedriven'] ?? r['already_redriven'];
  const again = typeof before === 'number' && before > 0 ? ` (${before} had been re-driven before)` : '';
  return `Re-driven ${r['redriven']} dead-lettered ${r['redriven'] === 1 ? 'delivery' : 'deliveries'}${again}.`;
}

/** The scope's notifications with their state and the per-notification actions. */
export function renderNotificationsList(session: Session, scope: Scope, onRefreshed: () => void = () => undefined): NotificationsList {
  const status = h('p', { class: 'status', role: 'status', 'aria-live': 'polite', tabindex: -1, hidden: true });
  const body = h('div', { class: 'list-body' }, h('p', {}, 'Loading…'));
  const refreshButton = h('button', { type: 'button', class: 'button-quiet' }, 'Refresh');
  const root = h(
    'section',
    { class: 'card', 'aria-labelledby': 'list-heading' },
    h('div', { class: 'card-head' }, h('h2', { id: 'list-heading' }, 'Notifications'), refreshButton),
    status,
    body,
  );
  const api = session.api;

  const act = async (label: string, work: () => Promise<string>, thenRefresh = true): Promise<void> => {
    say(status, `${label}…`);
    try {
      const outcome = await session.guard(work());
      // Announced once the list shows it, so what is read out and what is on screen agree.
      // The list's refresh brings the audit log along; an action that leaves the list as it is (a test) still has an entry.
      if (thenRefresh) await refresh();
      else onRefreshed();
      say(status, outcome, 'ok');
      // The row that had focus was re-rendered: keep keyboard users where the outcome is announced.
      if (!root.contains(document.activeElement) && !document.querySelector('dialog[open]')) status.focus();
    } catch (err) {
      const msg =
        err instanceof ApiError && err.status === 501 ? `${label}: not available on this server yet (501 Not Implemented).` : `${label} failed: ${errorText(err)}`;
      say(status, msg, 'error');
    }
  };

  const actions = (n: Notification): HTMLElement => {
    const name = n.title ?? eventLabel(n.event);
    const button = (text: string, cls: string, onClick: () => void): HTMLButtonElement => {
      const b = h('button', { type: 'button', class: cls, 'aria-label': `${text}: ${name}`, 'data-action': text.toLowerCase() }, text);
      b.addEventListener('click', onClick);
      return b;
    };
    return h(
      'div',
      { class: 'actions' },
      button('Test', 'button-secondary', () =>
        act('Test', async () => {
          const r = await api.testNotification(scope, n.uuid);
          return `Test notification queued${r?.delivery_id ? ` (delivery ${r.delivery_id})` : ''}.`;
        }, false),
      ),
      n.disabled || n.number_of_failures > 0
        ? button('Re-enable', 'button-secondary', () =>
            act('Re-enable', async () => {
              await api.resetNotification(scope, n.uuid);
              return `${name}: failures reset, notification enabled.`;
            }),
          )
        : null,
      button('Edit', 'button-secondary', () =>
        openEditDialog(session, scope, n, (_saved, text) => void act('Edit', async () => text)),
      ),
      button('Attempts', 'button-secondary', () => openAttemptsDialog(session, scope, n)),
      button('Health', 'button-secondary', () => openHealthDialog(session, scope, n)),
      // Replay reads one repository's events: the API has it for repository notifications.
      scope.kind === 'repository' ? button('Replay', 'button-secondary', () => openReplayDialog(session, scope, n)) : null,
      button('Re-drive', 'button-secondary', () =>
        act('Re-drive', async () => {
          const text = redriveText(await api.redrive(scope, n.uuid));
          // Jobs of a disabled notification are dropped on arrival, re-driven or not.
          return n.disabled ? `${text} The notification is disabled: re-enable it, or they are dropped again.` : text;
        }),
      ),
      button('Delete', 'button-danger-quiet', async () => {
        const ok = await confirmDialog(`Delete “${name}”?`, `Its deliveries stop at once, including retries already queued. This cannot be undone.`, 'Delete');
        if (!ok) return;
        await act('Delete', async () => {
          await api.deleteNotification(scope, n.uuid);
          return `${name} deleted.`;
        });
      }),
    );
  };

  const row = (n: Notification): HTMLTableRowElement => {
    const filter = describeFilter(n.event, n.event_config);
    const state = n.disabled
      ? h('span', { class: 'badge badge-bad', title: n.disabled_reason ?? '' }, 'Disabled')
      : h('span', { class: 'badge badge-good' }, 'Active');
    return h(
      'tr',
      { 'data-uuid': n.uuid, class: n.disabled ? 'is-disabled' : '' },
      h('th', { scope: 'row', class: 'title-cell' }, n.title ? n.title : h('span', { class: 'muted' }, '(untitled)')),
      h('td', {}, eventLabel(n.event), filter ? h('span', { class: 'sub' }, filter) : null),
      h('td', {}, methodLabel(n.method)),
      h('td', { class: 'mono target' }, describeTarget(n.method, n.config)),
      h('td', { class: 'num', 'data-col': 'failures' }, n.number_of_failures),
      h('td', { 'data-col': 'state' }, state, n.disabled && n.disabled_reason ? h('span', { class: 'sub' }, n.disabled_reason) : null),
      h('td', { 'data-col': 'health', 'data-uuid': n.uuid }),
      h('td', {}, actions(n)),
    );
  };

  async function refresh(): Promise<void> {
    onRefreshed();
    let list: Notification[];
    try {
      list = await session.guard(api.listNotifications(scope));
    } catch (err) {
      replace(body, h('p', { class: 'notice', role: 'alert' }, `The notifications could not be loaded: ${errorText(err)}`));
      return;
    }
    if (list.length === 0) {
      replace(body, h('p', { class: 'empty' }, 'No notifications yet: create one below.'));
      return;
    }
    const head = ['Title', 'When this event occurs', 'Then', 'Target', 'Failures', 'State', 'Last hour', 'Actions'].map((c) => h('th', { scope: 'col' }, c));
    replace(
      body,
      h('div', { class: 'table-scroll' }, h('table', { class: 'notifications' }, h('thead', {}, h('tr', {}, ...head)), h('tbody', {}, ...list.map(row)))),
    );
    fillSparklines(list);
  }

  /**
   * Each row's last hour of attempts by outcome, a small chart (the Health dialog has the figures).
   * Read after the list is shown, for the first rows only; a row whose health cannot be read stays empty.
   */
  const fillSparklines = (list: Notification[]): void => {
    for (const n of list.slice(0, MAX_SPARKLINES)) {
      void session.api.health(scope, n.uuid, '1h').then(
        (health) => {
          const cell = body.querySelector(`td[data-col="health"][data-uuid="${CSS.escape(n.uuid)}"]`);
          if (cell) replace(cell, renderHealthSparkline(health.series));
        },
        () => undefined,
      );
    }
  };

  refreshButton.addEventListener('click', () => void refresh());
  return { root, refresh };
}
