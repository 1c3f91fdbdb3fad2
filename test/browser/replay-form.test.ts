// Issue 18 in a real browser: the replay form of a notification. A window of the event log is
// replayed by the config API in the background; the dialog follows its progress to the end (the
// window's events its filter lets through, and only those, queued), cancels a running one, and
// shows the server's refusal of a window beside the field it names.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { sampleEvent } from '@herald/events';
import { startRecentRefsApi, type RecentRefsFixture } from '../helpers/recent-refs.js';
import { adminToken } from '../helpers/tokens.js';
import { launchBrowser, openPage, openRepository, screenshot, signIn, type TestBrowser, type WatchedPage } from './browser.js';

const REPO = `acme/replay-${randomBytes(3).toString('hex')}`;
const TITLE = 'Release pushes';
// Slow enough that a replay of the second window is still running when the test cancels it.
const RATE = 10;
let fx: RecentRefsFixture;
let browser: TestBrowser;
let w: WatchedPage;
let token: string;

const push = (tags: string[]) => sampleEvent('repo_push', { repository: REPO, body: { updated_tags: tags } });
const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));
/** The `datetime-local` text of a time in the browser's zone (the test's: both run here). */
const local = (ms: number): string => {
  const d = new Date(ms);
  const p = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())}T${p(d.getHours())}:${p(d.getMinutes())}:${p(d.getSeconds())}`;
};

before(async () => {
  fx = await startRecentRefsApi({ env: { REPLAY_MAX_EVENTS_PER_SECOND: String(RATE) } });
  token = await adminToken(REPO, 'alice');
  const made = await fx.api.request('POST', `/api/v1/repository/${REPO}/notification/`, {
    token,
    body: { event: 'repo_push', method: 'webhook', config: { url: 'https://hooks.example.com/replay' }, eventConfig: { 'tag-glob': ['v1.*'] }, title: TITLE },
  });
  assert.equal(made.status, 201);
  browser = await launchBrowser();
  w = await openPage(browser.browser, fx.api.url);
  await signIn(w.page, token);
  await openRepository(w.page, REPO);
});

after(async () => {
  await w?.close();
  await browser?.close();
  await fx?.stop();
});

async function openReplay() {
  const { page } = w;
  await page.locator('table.notifications tbody tr').getByRole('button', { name: `Replay: ${TITLE}` }).click();
  const dialog = page.getByRole('dialog', { name: `Replay: ${TITLE}` });
  await dialog.waitFor();
  return dialog;
}

test('replay: the progress runs to the end and counts the window’s matching events only', { timeout: 60_000 }, async () => {
  // Whole seconds: the form's times are to the second.
  const from = Math.floor(Date.now() / 1000) * 1000;
  await pause(1_100);
  await fx.events.publish([push(['v1.0', 'latest']), push(['dev']), push(['v1.1'])]);
  await pause(1_100);
  const to = Math.floor(Date.now() / 1000) * 1000;

  const dialog = await openReplay();
  await dialog.getByLabel('From (your local time)').fill(local(from));
  await dialog.getByLabel('To (not included)').fill(local(to));
  await dialog.getByRole('button', { name: 'Start replay' }).click();
  const progress = dialog.locator('.replay-progress');
  await progress.filter({ hasText: /^Done: / }).waitFor({ timeout: 30_000 });
  assert.match((await progress.textContent()) ?? '', /^Done: (\d+) of \1 offsets; 3 events read, 2 matched, 2 queued for delivery\./);
  assert.equal(await dialog.locator('progress').evaluate((p) => (p as unknown as { value: number; max: number }).value === (p as unknown as { max: number }).max), true);
  assert.equal(await dialog.getByRole('button', { name: 'Cancel replay' }).isVisible(), false);
  await screenshot(w.page, 'replay-done');
  await dialog.getByRole('button', { name: 'Close' }).click();
});

test('replay: a running replay can be cancelled; a window the server refuses is explained beside its field', { timeout: 60_000 }, async () => {
  const from = Math.floor(Date.now() / 1000) * 1000;
  await pause(1_100);
  await fx.events.publish(Array.from({ length: 80 }, (_, i) => push([`v1.${i}`])));
  await pause(1_100);
  const to = Math.floor(Date.now() / 1000) * 1000;

  const dialog = await openReplay();
  await dialog.getByLabel('From (your local time)').fill(local(from));
  await dialog.getByLabel('To (not included)').fill(local(to));
  await dialog.getByRole('button', { name: 'Start replay' }).click();
  const progress = dialog.locator('.replay-progress');
  await progress.filter({ hasText: /^Running: / }).waitFor();
  await dialog.getByRole('button', { name: 'Cancel replay' }).click();
  await progress.filter({ hasText: /^Cancelled: / }).waitFor();
  const text = (await progress.textContent()) ?? '';
  const queued = Number(/(\d+) queued/.exec(text)?.[1]);
  assert.ok(queued < 80, `cancelled before the end: ${text}`);
  await screenshot(w.page, 'replay-cancelled');

  // A window older than the service keeps: the server's message, beside the field it names.
  const old = Date.now() - 400 * 24 * 3600_000;
  const server = await fx.api.request<{ error_message: string; field: string }>('POST', `/api/v1/repository/${REPO}/notification/${await uuid()}/replay`, {
    token,
    body: { from: new Date(Math.floor(old / 1000) * 1000).toISOString(), to: new Date(to).toISOString() },
  });
  assert.equal(server.status, 400);
  await dialog.getByLabel('From (your local time)').fill(local(old));
  await dialog.getByRole('button', { name: 'Start replay' }).click();
  const error = dialog.locator(`[id$="-error"]:not([hidden])`);
  await error.first().waitFor();
  assert.equal(await error.first().textContent(), server.body.error_message.replace(`${server.body.field}: `, ''));
  assert.ok(['from', 'to'].includes(server.body.field));
  // 404: the dialog asks for the last replay of a notification never replayed; 400 and 409 are provoked.
  assert.deepEqual([...w.consoleErrors.filter((e) => !/status of (400|404|409)\b/.test(e)), ...w.pageErrors], []);
});

async function uuid(): Promise<string> {
  const doc = await fx.api.db.db.collection('notifications').findOne({ title: TITLE });
  return String(doc?.['uuid']);
}
