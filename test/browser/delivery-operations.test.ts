// Issue 18 in a real browser, through the real pipeline (config API → Kafka → delivery-webhook → a
// receiver on loopback): the attempts dialog shows what the receiver saw (URL masked, signature
// shown, the body sent, the answer), resends a delivery with the same webhook-id, and the health
// dialog's figures and chart count the attempts made.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Page } from 'playwright-core';
import type { ServiceProcess } from '@herald/testing';
import { startConfigApi, type RunningConfigApi } from '../helpers/config-api.js';
import { adminToken } from '../helpers/tokens.js';
import { eventually } from '../helpers/wait.js';
import { launchBrowser, openPage, openRepository, screenshot, signIn, type TestBrowser, type WatchedPage } from './browser.js';
import { startReceiver, startWebhookService, type Receiver } from './delivery.js';

const REPO = 'acme/ops';
const TITLE = 'Inspected hook';
let api: RunningConfigApi;
let browser: TestBrowser;
let w: WatchedPage;
let receiver: Receiver;
let webhook: ServiceProcess;

before(async () => {
  receiver = await startReceiver(() => 200);
  api = await startConfigApi();
  webhook = await startWebhookService(api.db.name);
  browser = await launchBrowser();
  w = await openPage(browser.browser, api.url);
  const token = await adminToken(REPO, 'alice');
  const made = await api.request('POST', `/api/v1/repository/${REPO}/notification/`, {
    token,
    body: { event: 'repo_push', method: 'webhook', config: { url: `${receiver.url}/hook?token=s3cret` }, eventConfig: {}, title: TITLE },
  });
  assert.equal(made.status, 201);
  await signIn(w.page, token);
  await openRepository(w.page, REPO);
});

after(async () => {
  await w?.close();
  await browser?.close();
  await webhook?.kill();
  await api?.stop();
  await receiver?.close();
});

const row = (page: Page) => page.locator('table.notifications tbody tr').filter({ has: page.locator('th', { hasText: TITLE }) });

test('attempt inspection: the request and response of a test delivery as the receiver saw them; resend keeps the webhook-id', { timeout: 120_000 }, async () => {
  const { page } = w;
  await row(page).getByRole('button', { name: `Test: ${TITLE}` }).click();
  await page.getByRole('status').filter({ hasText: 'Test notification queued' }).waitFor();
  const [got] = await eventually(() => {
    assert.equal(receiver.requests.length, 1);
    return receiver.requests;
  }, 60_000, 100);
  assert.ok(got);

  await row(page).getByRole('button', { name: `Attempts: ${TITLE}` }).click();
  const dialog = page.getByRole('dialog', { name: `Delivery attempts: ${TITLE}` });
  const details = dialog.getByRole('button', { name: /^Details: attempt 1 of / });
  // The inspection record is written a moment after the attempt: refresh until it is listed.
  await eventually(async () => {
    await dialog.getByRole('button', { name: 'Refresh' }).click();
    await dialog.locator('table.attempts, .attempts-body > p:not(:has-text("Loading"))').first().waitFor();
    assert.equal(await details.count(), 1);
  }, 20_000, 300);
  await details.click();
  const request = dialog.locator('[data-exchange="request"]');
  await request.waitFor();
  assert.equal(await request.locator('.exchange-line').textContent(), `POST ${receiver.url}/hook?token=****`, 'the URL’s secret is masked');
  const headers = (await request.locator('.exchange-headers').textContent()) ?? '';
  assert.ok(headers.split('\n').includes(`webhook-signature: ${String(got.headers['webhook-signature'])}`), headers);
  assert.ok(headers.split('\n').includes(`webhook-id: ${String(got.headers['webhook-id'])}`), headers);
  assert.equal(await request.locator('.exchange-body').textContent(), got.body, 'the body sent is the body received');
  const response = dialog.locator('[data-exchange="response"]');
  assert.equal(await response.locator('.exchange-line').textContent(), 'HTTP 200');
  assert.equal(await response.locator('.exchange-body').textContent(), 'ok');
  await screenshot(page, 'attempt-detail');

  await dialog.getByRole('button', { name: /^Resend: attempt 1 of / }).click();
  await dialog.getByRole('status').filter({ hasText: /queued again \(attempt \d+\), with the same webhook-id/ }).waitFor();
  const second = await eventually(() => {
    assert.equal(receiver.requests.length, 2);
    return receiver.requests[1];
  }, 60_000, 100);
  assert.equal(second?.headers['webhook-id'], got.headers['webhook-id'], 'the resend keeps the webhook-id');
  await dialog.getByRole('button', { name: 'Close' }).click();
  await dialog.waitFor({ state: 'detached' });
});

test('endpoint health: the figures, the chart and the list’s chart count the attempts made', { timeout: 60_000 }, async () => {
  const { page } = w;
  const dialog = page.getByRole('dialog', { name: `Endpoint health: ${TITLE}` });
  // The health aggregates are flushed every couple of seconds: reopen until both attempts are in.
  await eventually(async () => {
    if (await dialog.count()) await dialog.getByRole('button', { name: 'Close' }).click();
    await row(page).getByRole('button', { name: `Health: ${TITLE}` }).click();
    await dialog.locator('.health-figures, .notice').first().waitFor();
    assert.equal(await dialog.locator('[data-figure="attempts"] [data-window="1h"]').textContent(), '2');
  }, 30_000, 500);
  assert.equal(await dialog.locator('[data-figure="attempts"] [data-window="24h"]').textContent(), '2');
  assert.equal(await dialog.locator('[data-figure="success_rate"] [data-window="1h"]').textContent(), '100.0 %');
  assert.match((await dialog.locator('.breaker').textContent()) ?? '', /^Circuit breaker for 127\.0\.0\.1:\d+: closed/);
  const chart = dialog.locator('svg.health-chart');
  assert.equal(await chart.getAttribute('data-total'), '2');
  const counts = await chart.locator('rect[data-outcome="success"]').evaluateAll((rs) => rs.map((r) => Number(r.getAttribute('data-count'))));
  assert.equal(counts.reduce((a, b) => a + b, 0), 2, 'the bars hold both successful attempts');
  assert.equal(await chart.locator('rect[data-outcome="dead_letter"], rect[data-outcome="retry"]').count(), 0);
  await screenshot(page, 'endpoint-health');

  await dialog.getByLabel('Chart window').selectOption('24h');
  await chart.and(page.locator('[aria-label*="last 24h"]')).waitFor();
  assert.equal(await dialog.locator('svg.health-chart').getAttribute('data-total'), '2');
  await dialog.getByRole('button', { name: 'Close' }).click();

  // The list charts each notification's last hour too.
  await page.getByRole('button', { name: 'Refresh' }).click();
  const spark = row(page).locator('[data-col="health"] svg.health-spark');
  await spark.waitFor();
  assert.equal(await spark.getAttribute('data-total'), '2');
  assert.equal(await spark.getAttribute('aria-label'), 'Last 1h: 2 attempts, 2 succeeded, 0 retried, 0 dead-lettered');
  assert.deepEqual([...w.consoleErrors, ...w.pageErrors], []);
});
