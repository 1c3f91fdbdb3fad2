// Issue 17 in a real browser: the audit view of a scope lists who did what, newest first, with the
// fields changed (never a secret), a page at a time through the server's cursor, and follows the
// changes made on the page; the namespace scope's log holds its repositories' entries too.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Page } from 'playwright-core';
import { startConfigApi, type RunningConfigApi } from '../helpers/config-api.js';
import { adminToken } from '../helpers/tokens.js';
import { launchBrowser, openPage, screenshot, signIn, type TestBrowser, type WatchedPage } from './browser.js';

const REPO = 'acme/audited';
const EDITS = 22;
let api: RunningConfigApi;
let browser: TestBrowser;
let w: WatchedPage;
let token: string;

before(async () => {
  api = await startConfigApi();
  browser = await launchBrowser();
  w = await openPage(browser.browser, api.url);
  token = await adminToken('acme/*', 'alice');
});

after(async () => {
  await w?.close();
  await browser?.close();
  await api?.stop();
});

const rows = (page: Page) => page.locator('table.audit tbody tr');

test('the audit view pages through a repository’s entries, newest first, with what changed and no secret', { timeout: 120_000 }, async () => {
  const { page } = w;
  const body = (title: string) => ({ event: 'repo_push', method: 'webhook', config: { url: 'https://hooks.example.com/a?token=s3cret' }, eventConfig: {}, title });
  const made = await api.request<{ uuid: string; signing_secret: string }>('POST', `/api/v1/repository/${REPO}/notification/`, { token, body: body('v0') });
  assert.equal(made.status, 201);
  for (let i = 1; i <= EDITS; i++) {
    const r = await api.request('PUT', `/api/v1/repository/${REPO}/notification/${made.body.uuid}`, { token, body: body(`v${i}`) });
    assert.equal(r.status, 200);
  }
  await signIn(page, token);
  await page.goto(`/#/r/${REPO}`);
  const audit = page.locator('section', { has: page.getByRole('heading', { name: 'Audit log' }) });
  await rows(page).nth(19).waitFor();
  assert.equal(await rows(page).count(), 20, 'one page of 20');
  const first = rows(page).first();
  assert.equal(await first.getAttribute('data-action'), 'update');
  assert.equal(await first.locator('td').nth(1).textContent(), 'alice');
  assert.deepEqual(await first.locator('.audit-changes li').allTextContents(), [`title: v${EDITS - 1} → v${EDITS}`]);
  assert.equal(await first.locator('[data-col="outcome"] .badge').textContent(), 'succeeded');
  await screenshot(page, 'audit-view');

  await audit.getByRole('button', { name: 'Show older entries' }).click();
  await rows(page).nth(EDITS).waitFor();
  assert.equal(await rows(page).count(), EDITS + 1, 'every update and the create, each once');
  assert.equal(await audit.getByRole('button', { name: 'Show older entries' }).isVisible(), false, 'the last page');
  const created = rows(page).last();
  assert.equal(await created.getAttribute('data-action'), 'create');
  const lines = await created.locator('.audit-changes li').allTextContents();
  assert.ok(lines.includes('title: v0'), lines.join(' | '));
  const text = (await audit.textContent()) ?? '';
  assert.ok(!text.includes(made.body.signing_secret) && !text.includes('whsec_'), 'no signing secret in the log');
  assert.ok(!text.includes('s3cret'), 'config secrets masked');
  assert.deepEqual([...w.consoleErrors, ...w.pageErrors], []);
});

test('a change made on the page appears in the log; the namespace scope lists its repositories’ entries', async () => {
  const { page } = w;
  // A test leaves the list as it is; its entry still appears, with the delivery id.
  await page.getByRole('button', { name: 'Test: v22' }).click();
  await page.getByRole('status').filter({ hasText: 'Test notification queued' }).waitFor();
  await page.locator('table.audit tbody tr[data-action="test"]').waitFor();
  assert.match((await rows(page).first().locator('.audit-changes .sub').textContent()) ?? '', /^delivery_id: [0-9a-f-]{36}$/);
  await page.getByRole('button', { name: 'Delete: v22' }).click();
  await page.getByRole('dialog').getByRole('button', { name: 'Delete' }).click();
  await page.getByRole('status').filter({ hasText: 'v22 deleted.' }).waitFor();
  await page.locator('table.audit tbody tr[data-action="delete"]').waitFor();
  assert.equal(await rows(page).first().getAttribute('data-action'), 'delete');
  assert.equal(await rows(page).count(), 20, 'the log starts again from its first page');

  await page.getByRole('navigation', { name: 'Scope' }).getByRole('link', { name: 'Namespace acme/*' }).click();
  await page.getByRole('heading', { level: 1, name: 'acme/*' }).waitFor();
  await page.locator('table.audit tbody tr[data-action="delete"]').waitFor();
  assert.match((await rows(page).first().locator('td').nth(2).textContent()) ?? '', /^Deleted/);
});
