// Issue 8, safe by construction: a notification titled `<img src=x onerror=alert(1)>` and an event
// whose tag is `<script>…` render as text; no dialog opens, no console error; the page is served
// with a strict Content-Security-Policy and holds no inline script or style.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { sampleEvent, toQuayPayload, type RepositoryEvent } from '@herald/events';
import { InAppStore } from '@herald/store';
import { startConfigApi, type RunningConfigApi } from '../helpers/config-api.js';
import { adminToken } from '../helpers/tokens.js';
import { launchBrowser, openPage, openRepository, screenshot, signIn, type TestBrowser, type WatchedPage } from './browser.js';

const REPO = 'acme/xss';
const TITLE = '<img src=x onerror=alert(1)>';
const TAG = '<script>alert(2)</script>';
const CSP = "default-src 'self'; script-src 'self'; style-src 'self'";

let api: RunningConfigApi;
let browser: TestBrowser;
let w: WatchedPage;

before(async () => {
  api = await startConfigApi();
  browser = await launchBrowser();
  w = await openPage(browser.browser, api.url);
});

after(async () => {
  await w?.close();
  await browser?.close();
  await api?.stop();
});

test('the page and its assets carry a strict Content-Security-Policy', async () => {
  for (const path of ['/', '/static/app.js', '/static/app.css']) {
    const res = await api.request('GET', path);
    assert.equal(res.status, 200, path);
    const csp = res.headers.get('content-security-policy') ?? '';
    assert.ok(csp.startsWith(CSP), `${path}: ${csp}`);
    for (const d of ["object-src 'none'", "base-uri 'none'", "frame-ancestors 'none'"]) assert.ok(csp.includes(d), `${path}: ${d}`);
    assert.equal(res.headers.get('x-content-type-options'), 'nosniff');
  }
  const html = (await api.request<string>('GET', '/')).text;
  assert.doesNotMatch(html, /<script(?![^>]*\bsrc=)[^>]*>/, 'no inline script');
  assert.doesNotMatch(html, /\sstyle=|<style/, 'no inline style');
  assert.doesNotMatch((await api.request<string>('GET', '/static/app.js')).text, /innerHTML|outerHTML|insertAdjacentHTML|document\.write/);
});

test('hostile titles and event data render as text: no dialog, no console error', async () => {
  const { page } = w;
  const store = new InAppStore(api.db.db);
  const event = sampleEvent('repo_push', { repository: REPO, body: { updated_tags: [TAG, 'latest'] } }) as RepositoryEvent;
  await store.insertInApp({
    target: { kind: 'user', name: 'mallory-victim' },
    kind: event.kind,
    repository: REPO,
    data: { ...toQuayPayload(event) } as Record<string, unknown>,
    delivery_id: randomUUID(),
  });
  const vuln = sampleEvent('vulnerability_found', { repository: REPO }) as RepositoryEvent;
  const data = { ...toQuayPayload(vuln), vulnerability: { id: 'CVE-1', priority: '<b onmouseover=alert(3)>High</b>', description: TAG } };
  await store.insertInApp({ target: { kind: 'user', name: 'mallory-victim' }, kind: vuln.kind, repository: REPO, data, delivery_id: randomUUID() });

  await signIn(page, await adminToken(REPO, 'mallory-victim'));
  await openRepository(page, REPO);
  await page.getByLabel('Method').selectOption('webhook');
  await page.getByLabel('Webhook URL').fill('https://hooks.example.com/x');
  await page.getByLabel('Title (optional)').fill(TITLE);
  await page.getByRole('button', { name: 'Create notification' }).click();
  await page.locator('.created-title').filter({ hasText: `Created: ${TITLE}` }).waitFor();

  const title = page.locator('table.notifications tbody th');
  await title.filter({ hasText: TITLE }).waitFor();
  assert.equal(await title.textContent(), TITLE);
  // The title also names the row's buttons and the delete confirmation.
  await page.getByRole('button', { name: `Delete: ${TITLE}` }).click();
  const confirm = page.getByRole('dialog');
  await confirm.getByRole('heading', { name: `Delete “${TITLE}”?` }).waitFor();
  await confirm.getByRole('button', { name: 'Cancel' }).click();

  // The edit dialog and the audit log show it as text too (issue 17).
  await page.getByRole('button', { name: `Edit: ${TITLE}` }).click();
  const edit = page.getByRole('dialog', { name: `Edit: ${TITLE}` });
  await edit.locator('form').waitFor();
  assert.equal(await edit.getByLabel('Title (optional)').inputValue(), TITLE);
  await edit.getByRole('button', { name: 'Cancel' }).click();
  await edit.waitFor({ state: 'detached' });
  await page.locator('table.audit .audit-changes li', { hasText: `title: ${TITLE}` }).waitFor();

  await page.locator('#bell-button').click();
  const items = page.locator('.bell-item');
  await items.nth(1).waitFor();
  const texts = await items.allTextContents();
  assert.ok(texts.some((t) => t.includes(`Tags: ${TAG}, latest`)), texts.join(' | '));
  assert.ok(texts.some((t) => t.includes('<b onmouseover=alert(3)>High</b> vulnerability detected')), texts.join(' | '));
  await screenshot(page, 'safe-rendering');

  assert.equal(await page.locator('main img, #bell-panel img, #bell-panel b').count(), 0, 'no element was made from data');
  assert.equal(await page.locator('body script:not([src])').count(), 0);
  // Chromium leaves an empty style="" on inputs automation has typed into; a non-empty one would be ours.
  const styled = await page.locator('[style]:not([style=""])').evaluateAll((els) => els.map((e) => e.outerHTML.slice(0, 200)));
  assert.deepEqual(styled, [], 'no inline style attribute');
  // Give an onerror handler, had one been created, time to run.
  await page.waitForTimeout(500);
  assert.deepEqual(w.dialogs, [], 'no JavaScript dialog opened');
  assert.deepEqual(w.consoleErrors, [], 'no console error (a CSP violation would be one)');
  assert.deepEqual(w.pageErrors, []);
});
