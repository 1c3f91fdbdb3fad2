// Issue 16: the ref-regex field suggests Quay's form `(refs/heads/somebranch)|(refs/tags/sometag)`
// and shows, as the admin types, which refs the pattern would match; a pattern typed from the
// preview's advice is stored and fires in the router's matching.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { startConfigApi, type RunningConfigApi } from '../helpers/config-api.js';
import { adminToken } from '../helpers/tokens.js';
import { launchBrowser, openPage, openRepository, screenshot, signIn, type TestBrowser, type WatchedPage } from './browser.js';

const REPO = 'acme/builds';
let api: RunningConfigApi;
let browser: TestBrowser;
let w: WatchedPage;

before(async () => {
  api = await startConfigApi();
  browser = await launchBrowser();
  w = await openPage(browser.browser, api.url);
  await signIn(w.page, await adminToken(REPO, 'alice'));
  await openRepository(w.page, REPO);
});

after(async () => {
  await w?.close();
  await browser?.close();
  await api?.stop();
});

test('ref-regex: Quay-form placeholder and hint, a live "would match" list, and the pattern stored as typed', async () => {
  const { page } = w;
  await page.getByLabel('Event').selectOption('build_success');
  const field = page.getByLabel('Only for references matching (regular expression)');
  assert.equal(await field.getAttribute('placeholder'), '(refs/heads/somebranch)|(refs/tags/sometag)');
  const hint = await page.locator('.field', { has: field }).locator('.hint').first().textContent();
  assert.match(hint ?? '', /\(refs\/heads\/main\)\|\(refs\/tags\/v\.\*\)/);

  const preview = page.locator('[data-ref-preview]');
  const matched = async () => preview.locator('li[data-matches="true"] code').allTextContents();
  assert.match((await preview.locator('.ref-preview-summary').textContent()) ?? '', /every build/);

  // The old suggestion: matches nothing, and the page says so.
  await field.fill('heads/main');
  await preview.locator('.ref-preview-summary', { hasText: 'Would match none of these refs' }).waitFor();
  assert.deepEqual(await matched(), []);

  await field.fill('(refs/heads/main)|(refs/tags/v.*)');
  await preview.locator('.ref-preview-summary', { hasText: 'Would match:' }).waitFor();
  assert.deepEqual(await matched(), ['refs/heads/main', 'refs/tags/v1.2.0']);
  await screenshot(page, 'ref-regex-preview');

  await field.fill('refs/heads/(');
  await preview.locator('.ref-preview-summary', { hasText: 'Not a valid regular expression' }).waitFor();

  await field.fill('refs/heads/release-');
  assert.deepEqual(await matched(), ['refs/heads/release-1.2']);
  await page.getByLabel('Method').selectOption('webhook');
  await page.getByLabel('Webhook URL').fill('https://hooks.example.com/build');
  await page.getByLabel('Title (optional)').fill('Release builds');
  await page.getByRole('button', { name: 'Create notification' }).click();
  await page.locator('.created').getByText('Created: Release builds').waitFor();
  const doc = await api.db.db.collection('notifications').findOne({ title: 'Release builds' });
  assert.deepEqual(doc?.['event_config'], { 'ref-regex': 'refs/heads/release-' });
  assert.deepEqual([...w.consoleErrors, ...w.pageErrors], [], 'no console or page errors');
});
