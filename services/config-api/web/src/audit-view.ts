import { formatTime, h, replace, say } from './dom.js';
import { scopeApiPath, type Scope } from './scope.js';
import type { Session } from './session.js';

/** One audit entry (`GET …/audit`, schemas/audit.ts). */
export interface AuditEntry {
  id: string;
  at: string;
  actor: string;
  action: string;
  scope: { kind: string; repository?: string; namespace?: string };
  notification_uuid?: string;
  email?: string;
  changes?: Array<{ field: string; before?: unknown; after?: unknown }>;
  outcome: string;
  status?: number;
  detail?: Record<string, string | number>;
}

export interface AuditPage {
  entries: AuditEntry[];
  next_cursor: string | null;
}

/** Entries per page. */
export const AUDIT_PAGE_SIZE = 20;

const ACTIONS: Record<string, string> = {
  create: 'Created',
  update: 'Edited',
  delete: 'Deleted',
  reset: 'Re-enabled',
  test: 'Tested',
  redrive: 'Re-drove',
  resend: 'Resent a delivery',
  replay: 'Started a replay',
  replay_cancel: 'Cancelled a replay',
  email_request: 'Asked to authorize an address',
  email_confirm: 'Confirmed an address',
  email_withdraw: 'Withdrew an address',
};

/** A value of a change as text: strings as they are, anything else as JSON; absent as "—". */
function valueText(v: unknown): string {
  if (v === undefined) return '—';
  return typeof v === 'string' ? v : JSON.stringify(v);
}

/** "field: before → after", one line per change; a create lists the values, a delete what they were. */
export function changeLines(entry: AuditEntry): string[] {
  return (entry.changes ?? []).map((c) => {
    if (entry.action === 'create') return `${c.field}: ${valueText(c.after)}`;
    if (entry.action === 'delete') return `${c.field}: was ${valueText(c.before)}`;
    return `${c.field}: ${valueText(c.before)} → ${valueText(c.after)}`;
  });
}

function row(e: AuditEntry): HTMLTableRowElement {
  const what = [e.notification_uuid ? `notification ${e.notification_uuid}` : '', e.email ?? ''].filter((s) => s !== '').join(', ');
  const detail = e.detail ? Object.entries(e.detail).map(([k, v]) => `${k}: ${v}`).join(', ') : '';
  const lines = changeLines(e);
  return h(
    'tr',
    { 'data-id': e.id, 'data-action': e.action },
    h('td', { class: 'nowrap' }, h('time', { datetime: e.at }, formatTime(e.at))),
    h('td', { class: 'mono' }, e.actor),
    h('td', {}, ACTIONS[e.action] ?? e.action, what ? h('span', { class: 'sub mono' }, what) : null),
    h(
      'td',
      { class: 'audit-changes' },
      lines.length > 0 ? h('ul', {}, ...lines.map((l) => h('li', { class: 'mono' }, l))) : null,
      detail ? h('span', { class: 'sub' }, detail) : null,
    ),
    h(
      'td',
      { 'data-col': 'outcome' },
      h('span', { class: `badge ${e.outcome === 'failed' ? 'badge-bad' : e.outcome === 'succeeded' ? 'badge-good' : ''}` }, e.outcome),
      e.status ? h('span', { class: 'sub' }, `HTTP ${e.status}`) : null,
    ),
  );
}

/**
 * The scope's audit log (issue 17): who did what and when, what changed (secrets never), newest
 * first, a page at a time: "Show older entries" follows the server's cursor.
 */
export function renderAuditView(session: Session, scope: Scope): { root: HTMLElement; refresh(): Promise<void> } {
  const status = h('p', { class: 'status', role: 'status', 'aria-live': 'polite', hidden: true });
  const tbody = h('tbody');
  const table = h(
    'div',
    { class: 'table-scroll', hidden: true },
    h('table', { class: 'audit' }, h('thead', {}, h('tr', {}, ...['Time', 'Who', 'Action', 'Changes', 'Outcome'].map((c) => h('th', { scope: 'col' }, c)))), tbody),
  );
  const more = h('button', { type: 'button', class: 'button-secondary', hidden: true }, 'Show older entries');
  // Not "Refresh": that is the notification list's button, one card up.
  const refreshButton = h('button', { type: 'button', class: 'button-quiet' }, 'Reload log');
  const root = h(
    'section',
    { class: 'card', 'aria-labelledby': 'audit-heading' },
    h('div', { class: 'card-head' }, h('h2', { id: 'audit-heading' }, 'Audit log'), refreshButton),
    status,
    table,
    h('div', { class: 'form-actions' }, more),
  );
  let cursor: string | null = null;
  let generation = 0;

  const load = async (from: string | null): Promise<void> => {
    const mine = ++generation;
    const q = new URLSearchParams({ limit: String(AUDIT_PAGE_SIZE) });
    if (from) q.set('cursor', from);
    more.disabled = true;
    try {
      const page = await session.guard(session.api.call<AuditPage>('GET', `${scopeApiPath(scope)}/audit?${q.toString()}`));
      if (mine !== generation) return;
      if (from === null) replace(tbody);
      tbody.append(...page.entries.map(row));
      cursor = page.next_cursor;
      more.hidden = cursor === null;
      table.hidden = tbody.childElementCount === 0;
      say(status, tbody.childElementCount === 0 ? 'Nothing recorded yet.' : '');
    } catch (err) {
      if (mine === generation) say(status, `The audit log could not be loaded: ${err instanceof Error ? err.message : 'request failed'}`, 'error');
    } finally {
      more.disabled = false;
    }
  };

  more.addEventListener('click', () => void load(cursor));
  refreshButton.addEventListener('click', () => void load(null));
  return { root, refresh: () => load(null) };
}
