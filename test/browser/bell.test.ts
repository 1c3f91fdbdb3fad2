// Issue 8, the bell: the unread count of the caller's in-app notifications, the list newest first
// with each event's summary and a link to its repository, dismiss; usable by keyboard.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { sampleEvent, toQuayPayload, type RepositoryEvent } from '@herald/events';
import { InAppStore } from '@herald/store';
import { startConfigApi, type RunningConfigApi } from '../helpers/config-api.js';
import { testToken } from '../helpers/tokens.js';
import { eventually } from '../helpers/wait.js';
import { launchBrowser, openPage, openRepository, screenshot, signIn, type TestBrowser, type WatchedPage } from './browser.js';
import { startInAppService } from './delivery.js';

const REPO = 'acme/bell';

let api: RunningConfigApi;
let browser: TestBrowser;
let w: WatchedPage;
let store: InAppStore;

/** Stores an in-app notification as the in-app delivery service does: the event's Quay payload. */
async function deliver(event: RepositoryEvent, target: { kind: 'user' | 'team' | 'org'; name: string }, created: Date): Promise<string> {
  const { notification } = await store.insertInApp({
    target,
    kind: event.kind,
    repository: event.repository,
    data: { ...toQuayPayload(event) } as Record<string, unknown>,
    delivery_id: randomUUID(),
    created,
  });
  return notification.uuid;
}

before(async () => {
  api = await startConfigApi();
  store = new InAppStore(api.db.db);
  browser = await launchBrowser();
  w = await openPage(browser.browser, api.url);
});

after(async () => {
  await w?.close();
  await browser?.close();
  await api?.stop();
});

test('the bell counts unread notifications, lists them newest first, links the repository, and dismisses', async () => {
  const { page } = w;
  const now = Date.now();
  const push = sampleEvent('repo_push', { repository: REPO, body: { updated_tags: ['latest', 'v1.2'] } }) as RepositoryEvent;
  const failure = sampleEvent('build_failure', { repository: REPO }) as RepositoryEvent;
  const someoneElse = sampleEvent('repo_push', { repository: 'other/repo' }) as RepositoryEvent;
  await deliver(push, { kind: 'user', name: 'alice' }, new Date(now - 60_000));
  const newest = await deliver(failure, { kind: 'team', name: 'acme/owners' }, new Date(now - 1_000));
  await deliver(someoneElse, { kind: 'user', name: 'bob' }, new Date(now));

  await signIn(page, await testToken('alice', { grants: [`${REPO}:admin`], teams: ['acme/owners'] }));
  const bell = page.locator('#bell-button');
  await page.locator('#bell-count').filter({ hasText: '2' }).waitFor();
  assert.equal(await bell.getAttribute('aria-label'), 'Notifications, 2 unread');

  // Keyboard: focus the bell, Enter opens the list.
  await bell.focus();
  await page.keyboard.press('Enter');
  const panel = page.locator('#bell-panel');
  await panel.waitFor();
  assert.equal(await bell.getAttribute('aria-expanded'), 'true');
  const items = panel.locator('.bell-item');
  await items.nth(1).waitFor();
  const summaries = await items.locator('.bell-summary').allTextContents();
  const buildId = String((failure.body as { build_id: string }).build_id).slice(0, 7);
  assert.deepEqual(summaries, [`Build failure for repository ${REPO} [${buildId}]`, `Repository ${REPO} updated`]);
  assert.equal(await items.nth(1).locator('.bell-tags').textContent(), 'Tags: latest, v1.2');
  assert.equal(await items.first().getAttribute('data-uuid'), newest);
  await screenshot(page, 'bell-open');

  // Escape closes and gives focus back to the bell.
  await page.keyboard.press('Escape');
  await panel.waitFor({ state: 'hidden' });
  assert.ok(await page.evaluate('document.activeElement?.id === "bell-button"'));

  await bell.click();
  await items.nth(1).waitFor();
  await items.first().getByRole('button', { name: /^Dismiss: Build failure/ }).click();
  await page.locator('#bell-count').filter({ hasText: /^1$/ }).waitFor();
  assert.equal(await items.count(), 1);
  assert.equal(await items.first().locator('.bell-summary').textContent(), `Repository ${REPO} updated`);
  const dismissed = await store.col.findOne({ uuid: newest });
  assert.equal(dismissed?.dismissed, true);
  await screenshot(page, 'bell-dismissed');

  // The repository link opens that repository's page.
  await items.first().getByRole('link', { name: REPO }).click();
  await page.getByRole('heading', { level: 1, name: REPO }).waitFor();
  assert.match(page.url(), /#\/r\/acme\/bell$/);

  await bell.click();
  await items.first().getByRole('button', { name: /^Dismiss: Repository/ }).click();
  await panel.getByText('Nothing new.').waitFor();
  assert.equal(await page.locator('#bell-count').isHidden(), true);
  assert.equal(await bell.getAttribute('aria-label'), 'Notifications, none unread');
  assert.deepEqual(w.pageErrors, []);
});

test('an in-app notification created in the form and tested is delivered to the bell by delivery-inapp', async () => {
  const { page } = w;
  const inapp = await startInAppService(api.db.name);
  try {
    await openRepository(page, REPO);
    await page.getByLabel('Method').selectOption('quay_notification');
    await page.getByLabel('Recipient kind').selectOption('user');
    await page.getByLabel('Recipient name').fill('alice');
    await page.getByLabel('Title (optional)').fill('Tell alice');
    await page.getByRole('button', { name: 'Create notification' }).click();
    await page.locator('.created').getByText('Created: Tell alice').waitFor();
    const row = page.locator('table.notifications tbody tr').filter({ hasText: 'Tell alice' });
    assert.equal(await row.locator('td.target').textContent(), 'user alice');

    await row.getByRole('button', { name: 'Test: Tell alice' }).click();
    await page.getByRole('status').filter({ hasText: 'Test notification queued' }).waitFor();
    const bell = page.locator('#bell-button');
    const panel = page.locator('#bell-panel');
    // Opening the list reloads it; the bell's own poll would get there within 15 s too.
    await eventually(async () => {
      if (await panel.isVisible()) await bell.click();
      await bell.click();
      await panel.locator('.bell-item').first().waitFor({ timeout: 1_000 });
    }, 30_000, 250);
    assert.equal(await page.locator('#bell-count').textContent(), '1');
    assert.equal(await panel.locator('.bell-summary').first().textContent(), `Repository ${REPO} updated`);
    await screenshot(page, 'bell-delivered');
  } finally {
    await inapp.kill();
  }
});
