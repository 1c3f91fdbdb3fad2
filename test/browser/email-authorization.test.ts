// Issue 8, e-mail: authorize an address from the form → the confirmation mail reaches the test
// SMTP server → following its link flips the form to *confirmed* without a reload → the e-mail
// notification can be created.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { startConfigApi, type RunningConfigApi } from '../helpers/config-api.js';
import { adminToken } from '../helpers/tokens.js';
import { launchBrowser, openPage, openRepository, screenshot, signIn, type TestBrowser, type WatchedPage } from './browser.js';

const REPO = 'acme/mail';
const ADDRESS = 'ops@example.com';

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

test('an address must be authorized first: the server’s refusal shows beside the e-mail field', async () => {
  const { page } = w;
  await page.getByLabel('Method').selectOption('email');
  await page.getByLabel('E-mail address').fill(ADDRESS);
  await page.getByRole('button', { name: 'Create notification' }).click();
  const error = page.locator('[data-error-for="config.email"]');
  await error.waitFor();
  assert.match((await error.textContent()) ?? '', /^ops@example\.com is not authorized for acme\/mail/);
  assert.equal(await api.db.db.collection('notifications').countDocuments({}), 0);
});

test('authorize → mail → follow the link → confirmed without a reload → create', async () => {
  const { page } = w;
  // Survives only if the page is never reloaded.
  await page.evaluate('window.__heraldNoReload = 42');

  await page.getByRole('button', { name: 'Authorize this address' }).click();
  const status = page.locator('.auth-status');
  await status.filter({ hasText: `Pending: a confirmation link was sent to ${ADDRESS}` }).waitFor();
  assert.equal(await status.getAttribute('data-state'), 'pending');
  await screenshot(page, 'email-pending');

  const mail = await api.smtp.waitFor((m) => m.to.includes(ADDRESS));
  const link = /http:\/\/herald\.test\/authrepoemail\?code=[A-Za-z0-9_%-]+/.exec(mail.decoded)?.[0];
  assert.ok(link, 'the mail carries the confirmation link');
  // The mail's link points at PUBLIC_URL; the test service listens on a random port.
  const confirmPage = await w.context.newPage();
  await confirmPage.goto(link.replace('http://herald.test', api.url));
  // Opening the link confirms nothing (mail scanners open links too): the button does.
  await confirmPage.getByRole('heading', { name: 'Confirm e-mail notifications' }).waitFor();
  const pending = await api.db.db.collection('authorized_emails').findOne({ email: ADDRESS });
  assert.equal(pending?.['confirmed'], false, 'not confirmed by opening the link');
  await confirmPage.getByRole('button', { name: 'Confirm this e-mail address' }).click();
  await confirmPage.getByRole('heading', { name: 'E-mail address confirmed' }).waitFor();
  await confirmPage.close();

  await status.filter({ hasText: `Confirmed: ${ADDRESS} may receive notifications for ${REPO}.` }).waitFor({ timeout: 15_000 });
  assert.equal(await status.getAttribute('data-state'), 'confirmed');
  assert.equal(await page.evaluate('window.__heraldNoReload'), 42, 'the page was not reloaded');
  assert.equal(await page.getByRole('button', { name: 'Authorize this address' }).isDisabled(), true);
  await screenshot(page, 'email-confirmed');

  await page.getByLabel('Title (optional)').fill('Ops mail');
  await page.getByRole('button', { name: 'Create notification' }).click();
  await page.locator('.created').getByText('Created: Ops mail').waitFor();
  const row = page.locator('table.notifications tbody tr').filter({ hasText: 'Ops mail' });
  await row.waitFor();
  assert.equal(await row.locator('td.target').textContent(), ADDRESS);
  assert.equal(await row.locator('td').nth(1).textContent(), 'E-mail');
  const doc = await api.db.db.collection('notifications').findOne({ title: 'Ops mail' });
  assert.deepEqual(doc?.['config'], { email: ADDRESS });
  await screenshot(page, 'email-created');
  assert.deepEqual(w.pageErrors, []);
  assert.deepEqual(w.dialogs, []);
});
