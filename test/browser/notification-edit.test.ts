// Issue 17 in a real browser: the tag filter field with its live preview over example tags (the
// server's message for a bad pattern, before and after submit), the edit form (PUT with the version
// read: a change is saved and listed; an edit made meanwhile elsewhere is a 409 the page explains
// and reloads from), and a webhook's secret rotation showing the new secret once.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Page } from 'playwright-core';
import { startConfigApi, type RunningConfigApi } from '../helpers/config-api.js';
import { adminToken } from '../helpers/tokens.js';
import { eventually } from '../helpers/wait.js';
import { launchBrowser, openPage, openRepository, screenshot, signIn, type TestBrowser, type WatchedPage } from './browser.js';

const REPO = 'acme/tags';
let api: RunningConfigApi;
let browser: TestBrowser;
let w: WatchedPage;
let token: string;

before(async () => {
  api = await startConfigApi();
  browser = await launchBrowser();
  w = await openPage(browser.browser, api.url);
  token = await adminToken(REPO, 'alice');
  await signIn(w.page, token);
  await openRepository(w.page, REPO);
});

after(async () => {
  await w?.close();
  await browser?.close();
  await api?.stop();
});

// Chromium reports the 400s and the 409 the test provokes as console errors; anything else is a problem.
const pageProblems = () => w.consoleErrors.filter((e) => !/^Failed to load resource: the server responded with a status of (400|409)\b/.test(e));
const row = (page: Page, title: string) => page.locator('table.notifications tbody tr').filter({ has: page.locator('th', { hasText: title }) });
const notifications = () => api.db.db.collection('notifications');

/** The server's 400 for a repo_push webhook with this event_config: [field, message without the field]. */
async function serverError(eventConfig: Record<string, unknown>): Promise<[string, string]> {
  const r = await api.request<{ error_message: string; field: string }>('POST', `/api/v1/repository/${REPO}/notification/`, {
    token,
    body: { event: 'repo_push', method: 'webhook', config: { url: 'https://hooks.example.com/x' }, eventConfig },
  });
  assert.equal(r.status, 400);
  return [r.body.field, r.body.error_message.slice(r.body.field.length + 2)];
}

test('tag filter: the preview marks the example tags a glob or regex lets through, and shows the server’s message for a bad pattern', async () => {
  const { page } = w;
  await page.getByLabel('Event').selectOption('repo_push');
  const preview = page.locator('[data-tag-preview]');
  const matched = () => preview.locator('li[data-matches="true"] code').allTextContents();
  assert.equal(await preview.locator('.tag-preview-summary').textContent(), 'Every tag fires.');
  assert.equal(await page.getByLabel('Tag patterns').isVisible(), false, 'no pattern field while every tag fires');

  await page.getByLabel('Only for tags').selectOption('glob');
  await page.getByLabel('Tag patterns').fill('v1.*, latest');
  await preview.locator('.tag-preview-summary', { hasText: 'Would match:' }).waitFor();
  assert.deepEqual(await matched(), ['latest', 'v1.2.3']);
  assert.deepEqual(await preview.locator('li code').allTextContents(), ['latest', 'v1.2.3', '1.2', 'dev-abc123']);

  // The example tags are the admin's to change.
  await page.getByLabel('Example tags to try').fill('v1.0, v2.0, latest-rc');
  assert.deepEqual(await matched(), ['v1.0']);
  await page.getByLabel('Example tags to try').fill('latest, v1.2.3, 1.2, dev-abc123');

  // A malformed glob: the same words as the server's 400, before submitting and after.
  await page.getByLabel('Tag patterns').fill('latest, v[1');
  const [globField, globMessage] = await serverError({ 'tag-glob': ['latest', 'v[1'] });
  assert.equal(globField, 'eventConfig.tag-glob[1]');
  await preview.locator('.tag-preview-summary', { hasText: globMessage }).waitFor();
  assert.equal(await preview.getAttribute('data-state'), 'invalid');
  await page.getByLabel('Webhook URL').fill('https://hooks.example.com/tags');
  await page.getByRole('button', { name: 'Create notification' }).click();
  const error = page.locator('[data-error-for="eventConfig.tag-filter"]');
  await error.waitFor();
  assert.equal(await error.textContent(), globMessage);
  assert.equal(await page.getByLabel('Tag patterns').getAttribute('aria-invalid'), 'true');
  await screenshot(page, 'tag-filter-invalid-glob');

  // A regex: whole tags, RE2; look-around is refused in the browser in RE2's words, and by the server.
  await page.getByLabel('Only for tags').selectOption('regex');
  await page.getByLabel('Tag patterns').fill('v(?=1).*');
  const [, lookMessage] = await serverError({ 'tag-regex': 'v(?=1).*' });
  await preview.locator('.tag-preview-summary', { hasText: lookMessage }).waitFor();
  await page.getByLabel('Tag patterns').fill('v[0-9]+\\.[0-9]+\\.[0-9]+|dev-.*');
  await preview.locator('.tag-preview-summary', { hasText: 'Would match:' }).waitFor();
  assert.deepEqual(await matched(), ['v1.2.3', 'dev-abc123']);
  await screenshot(page, 'tag-filter-regex-preview');

  // An invalid regex the browser cannot word as RE2 does: the server's message beside the field on submit.
  await page.getByLabel('Tag patterns').fill('(v1');
  await page.locator('[data-tag-preview][data-state="invalid"]').waitFor();
  const [, parenMessage] = await serverError({ 'tag-regex': '(v1' });
  await page.getByRole('button', { name: 'Create notification' }).click();
  await error.filter({ hasText: parenMessage }).waitFor();
  assert.equal(await notifications().countDocuments({ repository: REPO }), 0, 'nothing was created');

  await page.getByLabel('Tag patterns').fill('v[0-9]+\\.[0-9]+\\.[0-9]+');
  await page.getByLabel('Title (optional)').fill('Release tags');
  await page.getByRole('button', { name: 'Create notification' }).click();
  await page.locator('.created').getByText('Created: Release tags').waitFor();
  const doc = await notifications().findOne({ title: 'Release tags' });
  assert.deepEqual(doc?.['event_config'], { 'tag-regex': 'v[0-9]+\\.[0-9]+\\.[0-9]+' });
  await page.locator('.created').getByRole('button', { name: 'Done' }).click();
  await row(page, 'Release tags').getByText('tags matching /v[0-9]+\\.[0-9]+\\.[0-9]+/').waitFor();
  assert.deepEqual([...pageProblems(), ...w.pageErrors], []);
});

test('edit: the form opens filled, a changed title, URL and tag filter are saved and listed', async () => {
  const { page } = w;
  const r = row(page, 'Release tags');
  await r.getByRole('button', { name: 'Edit: Release tags' }).click();
  const dialog = page.getByRole('dialog', { name: 'Edit: Release tags' });
  await dialog.locator('form').waitFor();
  assert.equal(await dialog.getByLabel('Event').isDisabled(), true, 'the event cannot change');
  assert.equal(await dialog.getByLabel('Method').isDisabled(), true, 'the method cannot change');
  assert.equal(await dialog.getByLabel('Webhook URL').inputValue(), 'https://hooks.example.com/tags');
  assert.equal(await dialog.getByLabel('Only for tags').inputValue(), 'regex');
  assert.equal(await dialog.getByLabel('Tag patterns').inputValue(), 'v[0-9]+\\.[0-9]+\\.[0-9]+');

  await dialog.getByLabel('Title (optional)').fill('Release and latest');
  await dialog.getByLabel('Webhook URL').fill('https://hooks.example.com/releases');
  await dialog.getByLabel('Only for tags').selectOption('glob');
  await dialog.getByLabel('Tag patterns').fill('v*, latest');
  assert.deepEqual(await dialog.locator('[data-tag-preview] li[data-matches="true"] code').allTextContents(), ['latest', 'v1.2.3']);
  await screenshot(page, 'edit-form');
  await dialog.getByRole('button', { name: 'Save changes' }).click();
  await dialog.waitFor({ state: 'detached' });
  await page.getByRole('status').filter({ hasText: 'Release and latest: saved.' }).waitFor();

  const edited = row(page, 'Release and latest');
  await edited.waitFor();
  assert.equal(await edited.locator('td.target').textContent(), 'https://hooks.example.com/releases');
  assert.match((await edited.locator('td').nth(0).textContent()) ?? '', /tags v\*, latest$/);
  const doc = await notifications().findOne({ repository: REPO });
  assert.equal(doc?.['title'], 'Release and latest');
  assert.deepEqual(doc?.['config'], { url: 'https://hooks.example.com/releases' });
  assert.deepEqual(doc?.['event_config'], { 'tag-glob': ['v*', 'latest'] });
  assert.equal(doc?.['version'], 2);
});

test('edit: a change made elsewhere since the form opened is a 409 the page explains; reload shows the current version', async () => {
  const { page } = w;
  await row(page, 'Release and latest').getByRole('button', { name: 'Edit: Release and latest' }).click();
  const dialog = page.getByRole('dialog', { name: 'Edit: Release and latest' });
  await dialog.locator('form').waitFor();
  // Someone else saves first.
  const uuid = String((await notifications().findOne({ repository: REPO }))?.['uuid']);
  const other = await api.request('PUT', `/api/v1/repository/${REPO}/notification/${uuid}`, {
    token,
    body: { event: 'repo_push', method: 'webhook', config: { url: 'https://hooks.example.com/theirs' }, eventConfig: {}, title: 'Theirs', version: 2 },
  });
  assert.equal(other.status, 200);

  await dialog.getByLabel('Title (optional)').fill('Mine');
  await dialog.getByRole('button', { name: 'Save changes' }).click();
  const conflict = dialog.locator('.form-error[data-conflict]');
  await conflict.getByText('This notification changed since you opened it — reload').waitFor();
  await screenshot(page, 'edit-conflict');
  assert.equal((await notifications().findOne({ uuid }))?.['title'], 'Theirs', 'the other edit was not overwritten');

  await conflict.getByRole('button', { name: 'Reload' }).click();
  await eventually(async () => assert.equal(await dialog.getByLabel('Title (optional)').inputValue(), 'Theirs'), 10_000, 100);
  assert.equal(await dialog.getByLabel('Webhook URL').inputValue(), 'https://hooks.example.com/theirs');
  assert.equal(await dialog.getByLabel('Only for tags').inputValue(), 'all');
  await dialog.getByLabel('Title (optional)').fill('Mine');
  await dialog.getByRole('button', { name: 'Save changes' }).click();
  await dialog.waitFor({ state: 'detached' });
  await row(page, 'Mine').waitFor();
  assert.equal((await notifications().findOne({ uuid }))?.['version'], 4);
});

test('rotation: the new secret is shown once with the overlap’s end, the previous one is kept for that overlap', async () => {
  const { page } = w;
  const uuid = String((await notifications().findOne({ repository: REPO }))?.['uuid']);
  const before = (await notifications().findOne({ uuid }))?.['signing_secret'];
  await row(page, 'Mine').getByRole('button', { name: 'Edit: Mine' }).click();
  const dialog = page.getByRole('dialog', { name: 'Edit: Mine' });
  await dialog.locator('form').waitFor();
  await dialog.getByLabel('Overlap in seconds (optional)').fill('600');
  await dialog.getByRole('button', { name: 'Save and rotate secret' }).click();
  const panel = dialog.locator('.created');
  await panel.getByText('Secret rotated: Mine').waitFor();
  const secret = await panel.getByLabel('Signing secret').inputValue();
  assert.match(secret, /^whsec_[A-Za-z0-9+/=]{40,}$/);
  assert.match((await panel.locator('.secret-overlap').textContent()) ?? '', /^The previous secret keeps signing too until .+ \(600 s\)\.$/);
  const doc = await notifications().findOne({ uuid });
  assert.equal(doc?.['signing_secret'], secret);
  assert.equal(doc?.['previous_signing_secret'], before);
  const expires = (doc?.['previous_secret_expires_at'] as Date).getTime();
  assert.ok(Math.abs(expires - (Date.now() + 600_000)) < 30_000, 'the overlap ends in about 600 s');
  await screenshot(page, 'secret-rotated');

  await panel.getByRole('button', { name: 'Done' }).click();
  await dialog.waitFor({ state: 'detached' });
  assert.equal(await page.getByText(secret).count(), 0);
  assert.equal(await page.locator(`input[value="${secret}"]`).count(), 0, 'the secret left the page');
  await page.getByRole('status').filter({ hasText: 'Mine: saved, signing secret rotated.' }).waitFor();
  // Opening the form again never shows a secret.
  await row(page, 'Mine').getByRole('button', { name: 'Edit: Mine' }).click();
  await dialog.locator('form').waitFor();
  assert.equal(await dialog.locator('.created, .secret').count(), 0);
  await dialog.getByRole('button', { name: 'Cancel' }).click();
  await dialog.waitFor({ state: 'detached' });
  assert.deepEqual(w.dialogs, []);
  assert.deepEqual([...pageProblems(), ...w.pageErrors], []);
});
