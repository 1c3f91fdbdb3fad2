// Issue 16: the ref-regex field suggests Quay's form `(refs/heads/somebranch)|(refs/tags/sometag)`
// and shows, as the admin types, which of the repository's last few build refs the pattern would
// match (examples, labelled so, while it has none); a pattern typed from the preview's advice is
// stored and fires in the router's matching.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import type { RunningConfigApi } from '../helpers/config-api.js';
import { buildEvent, startRecentRefsApi, type RecentRefsFixture } from '../helpers/recent-refs.js';
import { adminToken } from '../helpers/tokens.js';
import { eventually } from '../helpers/wait.js';
import { launchBrowser, openPage, openRepository, screenshot, signIn, type TestBrowser, type WatchedPage } from './browser.js';

const REPO = 'acme/builds';
const BUILT = 'acme/built';
let fx: RecentRefsFixture;
let api: RunningConfigApi;
let browser: TestBrowser;
let w: WatchedPage;

before(async () => {
  fx = await startRecentRefsApi();
  api = fx.api;
  browser = await launchBrowser();
  w = await openPage(browser.browser, api.url);
  await signIn(w.page, await adminToken('acme/*', 'alice'));
  await openRepository(w.page, REPO);
});

after(async () => {
  await w?.close();
  await browser?.close();
  await fx?.stop();
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
  // No build of this repository seen: the examples, and the page says they are examples.
  await page.locator('[data-ref-preview][data-ref-source="examples"]').waitFor();
  assert.match((await preview.locator('.ref-preview-source').textContent()) ?? '', /No build with a ref seen in this repository yet; example refs/);

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

test("ref-regex: the preview matches the repository's last refs built, newest first", { timeout: 60_000 }, async () => {
  const { page } = w;
  const t0 = Date.now() - 60_000;
  await fx.events.publish([
    buildEvent('build_success', BUILT, 'refs/heads/main', t0 + 1_000),
    buildEvent('build_failure', BUILT, 'refs/heads/hotfix/login', t0 + 2_000),
    buildEvent('build_start', 'acme/elsewhere', 'refs/heads/not-this-repo', t0 + 2_500),
    buildEvent('build_queued', BUILT, 'refs/tags/v2.1.0', t0 + 3_000),
    buildEvent('build_success', BUILT, 'refs/heads/main', t0 + 4_000),
  ]);
  const recent = ['refs/heads/main', 'refs/tags/v2.1.0', 'refs/heads/hotfix/login'];
  const token = await adminToken(BUILT, 'alice');
  await eventually(async () => {
    const r = await api.request<{ refs: { ref: string }[] }>('GET', `/api/v1/repository/${BUILT}/recentrefs`, { token });
    assert.deepEqual(r.body.refs.map((x) => x.ref), recent);
  }, 20_000, 100);

  await openRepository(page, BUILT);
  await page.getByLabel('Event').selectOption('build_failure');
  const field = page.getByLabel('Only for references matching (regular expression)');
  const preview = page.locator('[data-ref-preview][data-ref-source="recent"]');
  await preview.waitFor();
  assert.equal(await preview.locator('.ref-preview-source').textContent(), 'The last 3 refs built in this repository, newest first:');
  assert.deepEqual(await preview.locator('li code').allTextContents(), recent, "this repository's refs only, newest first, each once");

  const matched = async () => preview.locator('li[data-matches="true"] code').allTextContents();
  await field.fill('(refs/heads/hotfix/.*)|(refs/tags/v2\\.)');
  await preview.locator('.ref-preview-summary', { hasText: 'Would match:' }).waitFor();
  assert.deepEqual(await matched(), ['refs/tags/v2.1.0', 'refs/heads/hotfix/login']);
  await screenshot(page, 'ref-regex-preview-recent');
  await field.fill('refs/heads/release-');
  await preview.locator('.ref-preview-summary', { hasText: 'Would match none of these refs' }).waitFor();
  assert.deepEqual(await matched(), []);
  assert.deepEqual([...w.consoleErrors, ...w.pageErrors], [], 'no console or page errors');
});
