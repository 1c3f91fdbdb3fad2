// Issue 17 in a real browser: the scope switcher. From a repository, its namespace's notifications
// (each firing for every repository of the namespace) are one click away, listed and created there;
// the registry-wide scope is offered to superusers only (the server's answer decides); a repository
// admin without the namespace grant sees the server's refusal, not an empty list.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Page } from 'playwright-core';
import { startConfigApi, type RunningConfigApi } from '../helpers/config-api.js';
import { TEST_SUPERUSER, adminToken, testToken } from '../helpers/tokens.js';
import { launchBrowser, openPage, screenshot, signIn, type TestBrowser, type WatchedPage } from './browser.js';

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
  // Registry-wide notifications reach every router through the one change feed: later tests' routers
  // would give their events extra jobs, as would namespace-wide ones for acme/*. The lists hold only
  // this test's (its own database).
  if (api) {
    const root = await testToken(TEST_SUPERUSER);
    const list = await api.request<{ notifications: { uuid: string }[] }>('GET', '/api/v1/superuser/notification/', { token: root });
    for (const n of list.body?.notifications ?? []) await api.request('DELETE', `/api/v1/superuser/notification/${n.uuid}`, { token: root });
    const acme = await adminToken('acme/*');
    const ns = await api.request<{ notifications: { uuid: string }[] }>('GET', '/api/v1/organization/acme/notification/', { token: acme });
    for (const n of ns.body?.notifications ?? []) await api.request('DELETE', `/api/v1/organization/acme/notification/${n.uuid}`, { token: acme });
  }
  await api?.stop();
});

const hook = (path: string) => ({ event: 'repo_push', method: 'webhook', config: { url: `https://hooks.example.com/${path}` }, eventConfig: {} });
const titles = (page: Page) => page.locator('table.notifications tbody th').allTextContents();
const switcher = (page: Page) => page.getByRole('navigation', { name: 'Scope' });

/** Signs in and waits until the page has asked the server whether the token is a superuser's (once per sign-in). */
async function signInAndAsk(page: Page, token: string): Promise<void> {
  // The previous test's token stays in this tab's sessionStorage: sign it out first.
  if (await page.locator('#sign-out').isVisible()) await page.locator('#sign-out').click();
  const asked = page.waitForResponse((r) => r.url().endsWith('/api/v1/superuser/notification/'));
  await signIn(page, token);
  await asked;
}

/** Opens a fragment route and waits until the list has loaded. */
async function open(page: Page, route: string): Promise<void> {
  await page.evaluate(`location.hash = ${JSON.stringify(route)}`);
  await page.locator('.list-body').getByText('Loading…').waitFor({ state: 'detached' });
}

test('a namespace admin switches from a repository to its namespace: lists and creates namespace-wide notifications; no registry scope', async () => {
  const { page } = w;
  const token = await adminToken('acme/*', 'alice');
  const made = await api.request('POST', '/api/v1/organization/acme/notification/', { token, body: { ...hook('ns'), title: 'Every acme push' } });
  assert.equal(made.status, 201);
  await api.request('POST', '/api/v1/repository/acme/app/notification/', { token, body: { ...hook('repo'), title: 'Only acme/app' } });

  await signInAndAsk(page, token);
  await page.getByRole('link', { name: 'Namespace-wide notifications of acme' }).waitFor();
  await open(page, '/r/acme/app');
  assert.deepEqual(await titles(page), ['Only acme/app']);
  assert.deepEqual(await switcher(page).getByRole('link').allTextContents(), ['Repository acme/app', 'Namespace acme/*'], 'no registry scope for a namespace admin');
  assert.equal(await switcher(page).locator('[aria-current="page"]').textContent(), 'Repository acme/app');

  await switcher(page).getByRole('link', { name: 'Namespace acme/*' }).click();
  await page.getByRole('heading', { level: 1, name: 'acme/*' }).waitFor();
  await page.locator('.list-body').getByText('Loading…').waitFor({ state: 'detached' });
  assert.equal(await page.evaluate('location.hash'), '#/n/acme');
  assert.deepEqual(await titles(page), ['Every acme push']);
  assert.match((await page.locator('.scope-coverage').textContent()) ?? '', /every repository of acme, including repositories created later/);
  assert.equal(await switcher(page).locator('[aria-current="page"]').textContent(), 'Namespace acme/*');
  // E-mail addresses are authorized per repository: not offered here.
  const methods = await page.getByLabel('Method').locator('option').evaluateAll((os) => os.map((o) => o.getAttribute('value')));
  assert.ok(!methods.includes('email') && methods.includes('webhook'), methods.join(','));

  await page.getByLabel('Event').selectOption('quota_warning');
  await page.getByLabel('Webhook URL').fill('https://hooks.example.com/quota');
  await page.getByLabel('Title (optional)').fill('Quota alerts');
  await page.getByRole('button', { name: 'Create notification' }).click();
  await page.locator('.created').getByText('Created: Quota alerts').waitFor();
  await page.locator('table.notifications tbody th', { hasText: 'Quota alerts' }).waitFor();
  const doc = await api.db.db.collection('notifications').findOne({ title: 'Quota alerts' });
  assert.equal(doc?.['scope'], 'namespace');
  assert.equal(doc?.['namespace'], 'acme');
  await screenshot(page, 'scope-namespace');

  // The namespace's actions work in its scope: edit goes to the organization route.
  await page.getByRole('button', { name: 'Edit: Quota alerts' }).click();
  const dialog = page.getByRole('dialog', { name: 'Edit: Quota alerts' });
  await dialog.getByLabel('Title (optional)').fill('Quota alerts (ops)');
  await dialog.getByRole('button', { name: 'Save changes' }).click();
  await page.locator('table.notifications tbody th', { hasText: 'Quota alerts (ops)' }).waitFor();
  assert.deepEqual((await titles(page)).sort(), ['Every acme push', 'Quota alerts (ops)']);
  assert.deepEqual([...w.consoleErrors.filter((e) => !/status of 403/.test(e)), ...w.pageErrors], []);
});

test('a superuser gets the registry-wide scope: lists and creates registry-wide notifications', async () => {
  const { page } = w;
  const root = await testToken(TEST_SUPERUSER);
  const made = await api.request('POST', '/api/v1/superuser/notification/', { token: root, body: { ...hook('all'), title: 'Every push anywhere' } });
  assert.equal(made.status, 201);
  await signInAndAsk(page, root);
  await page.getByRole('link', { name: 'Registry-wide notifications' }).waitFor();
  await open(page, '/r/acme/app');
  await switcher(page).getByRole('link', { name: 'Registry-wide' }).waitFor();
  assert.deepEqual(await switcher(page).getByRole('link').allTextContents(), ['Repository acme/app', 'Namespace acme/*', 'Registry-wide']);
  await switcher(page).getByRole('link', { name: 'Registry-wide' }).click();
  await page.getByRole('heading', { level: 1, name: 'Registry-wide' }).waitFor();
  await page.locator('.list-body').getByText('Loading…').waitFor({ state: 'detached' });
  assert.deepEqual(await titles(page), ['Every push anywhere']);

  await page.getByLabel('Webhook URL').fill('https://hooks.example.com/audit-all');
  await page.getByLabel('Title (optional)').fill('Registry firehose');
  await page.getByRole('button', { name: 'Create notification' }).click();
  await page.locator('.created').getByText('Created: Registry firehose').waitFor();
  await page.locator('table.notifications tbody th', { hasText: 'Registry firehose' }).waitFor();
  const doc = await api.db.db.collection('notifications').findOne({ title: 'Registry firehose' });
  assert.equal(doc?.['scope'], 'registry');
  await screenshot(page, 'scope-registry');
});

test('a repository admin without the namespace grant: the namespace scope shows the server’s refusal', async () => {
  const { page } = w;
  await signInAndAsk(page, await adminToken('acme/app', 'bob'));
  await open(page, '/n/acme');
  const notice = page.locator('.list-body .notice');
  await notice.waitFor();
  assert.match((await notice.textContent()) ?? '', /^The notifications could not be loaded: .+/);
  assert.equal(await switcher(page).getByRole('link', { name: 'Registry-wide' }).count(), 0);
  // Opening the registry scope by its address shows the refusal too (the server checks every call).
  await open(page, '/registry');
  await notice.waitFor();
  assert.match((await notice.textContent()) ?? '', /could not be loaded/);
});
