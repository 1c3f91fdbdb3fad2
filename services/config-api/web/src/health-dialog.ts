import type { EndpointHealth, HealthFigures, HealthPoint, HealthWindow, Notification } from './api.js';
import { formatTime, h, replace } from './dom.js';
import { openModal } from './modal.js';
import type { Scope } from './scope.js';
import type { Session } from './session.js';

const SVG = 'http://www.w3.org/2000/svg';
const OUTCOMES = ['success', 'retry', 'dead_letter'] as const;
const LABELS: Record<(typeof OUTCOMES)[number], string> = { success: 'Success', retry: 'Retried', dead_letter: 'Dead-lettered' };

/** An SVG element; attributes set one by one, as dom.ts does for HTML. */
function s<K extends keyof SVGElementTagNameMap>(tag: K, attrs: Record<string, string | number>, ...children: Array<Node | string>): SVGElementTagNameMap[K] {
  const el = document.createElementNS(SVG, tag);
  for (const [k, v] of Object.entries(attrs)) el.setAttribute(k, String(v));
  for (const c of children) el.append(c);
  return el;
}

/** Bars of `points` (oldest first) stacked by outcome, scaled to the busiest bucket. */
export function barLayout(points: readonly HealthPoint[], width: number, height: number): Array<{ i: number; outcome: (typeof OUTCOMES)[number]; x: number; y: number; w: number; h: number; count: number }> {
  const max = Math.max(1, ...points.map((p) => p.success + p.retry + p.dead_letter));
  const step = points.length === 0 ? width : width / points.length;
  const out: ReturnType<typeof barLayout> = [];
  points.forEach((p, i) => {
    let y = height;
    for (const outcome of OUTCOMES) {
      const count = p[outcome];
      if (count <= 0) continue;
      const bh = (count / max) * height;
      y -= bh;
      out.push({ i, outcome, x: i * step, y, w: Math.max(1, step - 1), h: bh, count });
    }
  });
  return out;
}

/** Attempts over time by outcome, drawn in the page (SVG, no library); each bar has a tooltip. */
export function renderHealthChart(series: EndpointHealth['series']): SVGSVGElement {
  const width = 600;
  const height = 120;
  const minutes = series.bucket_seconds / 60;
  const total = series.points.reduce((a, p) => a + p.success + p.retry + p.dead_letter, 0);
  const chart = s('svg', {
    class: 'health-chart',
    viewBox: `0 0 ${width} ${height + 16}`,
    role: 'img',
    'aria-label': `Attempts over the last ${series.window} by outcome, ${minutes >= 1 ? `${minutes}-minute` : `${series.bucket_seconds}-second`} buckets: ${total} in all`,
    'data-total': total,
  });
  chart.append(s('line', { class: 'axis', x1: 0, y1: height + 0.5, x2: width, y2: height + 0.5 }));
  for (const b of barLayout(series.points, width, height)) {
    const p = series.points[b.i];
    const rect = s('rect', { class: `bar bar-${b.outcome}`, x: b.x.toFixed(1), y: b.y.toFixed(1), width: b.w.toFixed(1), height: b.h.toFixed(1), 'data-outcome': b.outcome, 'data-count': b.count });
    rect.append(s('title', {}, `${p ? formatTime(p.t) : ''}: ${b.count} ${LABELS[b.outcome].toLowerCase()}`));
    chart.append(rect);
  }
  const first = series.points[0];
  const last = series.points[series.points.length - 1];
  if (first) chart.append(s('text', { class: 'tick', x: 0, y: height + 13 }, formatTime(first.t)));
  if (last && last !== first) chart.append(s('text', { class: 'tick', x: width, y: height + 13, 'text-anchor': 'end' }, formatTime(last.t)));
  return chart;
}

/** The last hour in a list row: the same bars, small, with the counts in words for assistive technology. */
export function renderHealthSparkline(series: EndpointHealth['series']): SVGSVGElement {
  const width = 120;
  const height = 24;
  const sums = { success: 0, retry: 0, dead_letter: 0 };
  for (const p of series.points) for (const o of OUTCOMES) sums[o] += p[o];
  const total = sums.success + sums.retry + sums.dead_letter;
  const spark = s('svg', {
    class: 'health-spark',
    viewBox: `0 0 ${width} ${height}`,
    width,
    height,
    role: 'img',
    'aria-label': `Last ${series.window}: ${total} attempts, ${sums.success} succeeded, ${sums.retry} retried, ${sums.dead_letter} dead-lettered`,
    'data-total': total,
  });
  spark.append(s('line', { class: 'axis', x1: 0, y1: height - 0.5, x2: width, y2: height - 0.5 }));
  for (const b of barLayout(series.points, width, height - 1)) {
    spark.append(s('rect', { class: `bar bar-${b.outcome}`, x: b.x.toFixed(1), y: b.y.toFixed(1), width: b.w.toFixed(1), height: b.h.toFixed(1), 'data-outcome': b.outcome, 'data-count': b.count }));
  }
  return spark;
}

const pct = (v: number | null | undefined): string => (v === null || v === undefined ? '—' : `${(v * 100).toFixed(1)} %`);
const ms = (v: number | null | undefined): string => (v === null || v === undefined ? '—' : `≤ ${v} ms`);

function lastError(f: HealthFigures): string {
  const e = f.last_error;
  if (!e) return '—';
  if (typeof e === 'string') return e;
  return [e.time ? formatTime(e.time) : '', e.status_code ? `HTTP ${e.status_code}` : '', e.error ?? ''].filter((x) => x !== '').join(' · ');
}

function figures(health: EndpointHealth): HTMLElement {
  const windows: HealthWindow[] = ['1h', '24h'];
  const cell = (w: HealthWindow, get: (f: HealthFigures) => string): HTMLTableCellElement => h('td', { 'data-window': w }, get(health.windows[w] ?? {}));
  const line = (label: string, key: string, get: (f: HealthFigures) => string): HTMLTableRowElement =>
    h('tr', { 'data-figure': key }, h('th', { scope: 'row' }, label), ...windows.map((w) => cell(w, get)));
  return h(
    'table',
    { class: 'health-figures' },
    h('thead', {}, h('tr', {}, h('th', {}, ''), h('th', { scope: 'col' }, 'Last hour'), h('th', { scope: 'col' }, 'Last 24 hours'))),
    h(
      'tbody',
      {},
      line('Attempts', 'attempts', (f) => String(f.attempts ?? 0)),
      line('Success rate', 'success_rate', (f) => pct(f.success_rate)),
      line('Latency p50', 'p50', (f) => ms(f.p50_ms)),
      line('Latency p99', 'p99', (f) => ms(f.p99_ms)),
      line('Last error', 'last_error', lastError),
    ),
  );
}

function breakerText(b: EndpointHealth['breaker']): string {
  if (b.state === 'unknown' || !b.destination) return 'No circuit breaker (the method has no destination URL).';
  const since = b.since ? ` since ${formatTime(b.since)}` : '';
  const probe = b.state === 'open' && b.next_probe_at ? `, next probe ${formatTime(b.next_probe_at)}` : '';
  return `Circuit breaker for ${b.destination}: ${b.state.replace('_', '-')}${since}${probe}.`;
}

/** A notification's endpoint health (issue 18): figures over 1 h and 24 h, the breaker, and the chart. */
export function openHealthDialog(session: Session, scope: Scope, n: Notification): void {
  const body = h('div', { class: 'health-body', 'aria-live': 'polite' }, h('p', {}, 'Loading…'));
  const windowSelect = h('select', { id: 'health-window', 'aria-label': 'Chart window' }, h('option', { value: '1h' }, 'Last hour'), h('option', { value: '24h' }, 'Last 24 hours'));
  const close = h('button', { type: 'button', class: 'button-secondary' }, 'Close');
  const dialog = openModal('health-heading', h('div', { class: 'card-head' }, h('h2', { id: 'health-heading' }, `Endpoint health: ${n.title ?? n.uuid}`), windowSelect), body, h('div', { class: 'form-actions' }, close));
  close.addEventListener('click', () => dialog.close());
  close.focus();
  const load = async (): Promise<void> => {
    try {
      const health = await session.guard(session.api.health(scope, n.uuid, windowSelect.value as HealthWindow));
      const legend = h('ul', { class: 'health-legend' }, ...OUTCOMES.map((o) => h('li', { class: `legend-${o}` }, LABELS[o])));
      replace(body, h('p', { class: 'breaker', 'data-state': health.breaker.state }, breakerText(health.breaker)), figures(health), renderHealthChart(health.series), legend);
    } catch (err) {
      replace(body, h('p', { class: 'notice', role: 'alert' }, `The endpoint health could not be loaded: ${err instanceof Error ? err.message : 'request failed'}`));
    }
  };
  windowSelect.addEventListener('change', () => void load());
  void load();
}
