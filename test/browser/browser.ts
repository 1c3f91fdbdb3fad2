// Shared set-up of the browser tests: Debian's Chromium (installed by scripts/ensure-chromium.mjs
// when missing) driven by playwright-core, a page that records console errors and JS dialogs, and
// screenshots kept under test-results/screenshots/ as artifacts.
import { spawnSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { ROOT } from '@herald/testing';

export const CHROMIUM = '/usr/bin/chromium';
export const SCREENSHOTS = join(ROOT, 'test-results', 'screenshots');

/** Installs Chromium through the project's script when it is missing (prints its progress). */
export function ensureChromium(): void {
  const r = spawnSync(process.execPath, [join(ROOT, 'scripts', 'ensure-chromium.mjs')], { stdio: ['ignore', 'ignore', 'inherit'] });
  if (r.status !== 0) throw new Error('scripts/ensure-chromium.mjs could not provide /usr/bin/chromium');
}

export interface TestBrowser {
  browser: Browser;
  close(): Promise<void>;
}

export async function launchBrowser(): Promise<TestBrowser> {
  ensureChromium();
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    // Without the background-networking flags Chromium keeps calling Google hosts, which this
    // closed network refuses; root in CI needs --no-sandbox. The profile is a fresh, empty
    // user-data-dir: Playwright creates a temporary one per launch (it refuses --user-data-dir).
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
  return {
    browser,
    close: () => browser.close(),
  };
}

/** A page and what it reported: console errors, uncaught exceptions, JS dialogs (alert, confirm). */
export interface WatchedPage {
  context: BrowserContext;
  page: Page;
  consoleErrors: string[];
  pageErrors: string[];
  dialogs: string[];
  close(): Promise<void>;
}

/**
 * The page asks the superuser list once per sign-in to learn whether to offer the registry-wide
 * scope; for everyone else the answer is a 403, which Chromium reports as a console error.
 */
function isSuperuserProbe(text: string, url: string): boolean {
  return /status of 403\b/.test(text) && new URL(url, 'http://x').pathname === '/api/v1/superuser/notification/';
}

export async function openPage(browser: Browser, baseUrl: string): Promise<WatchedPage> {
  const context = await browser.newContext({ baseURL: baseUrl, viewport: { width: 1280, height: 900 } });
  const page = await context.newPage();
  const w: WatchedPage = { context, page, consoleErrors: [], pageErrors: [], dialogs: [], close: () => context.close() };
  page.on('console', (m) => {
    if (m.type() !== 'error' || isSuperuserProbe(m.text(), m.location().url)) return;
    w.consoleErrors.push(m.text());
  });
  page.on('pageerror', (e) => w.pageErrors.push(String(e)));
  page.on('dialog', (d) => {
    w.dialogs.push(`${d.type()}: ${d.message()}`);
    void d.dismiss();
  });
  return w;
}

/** Saves a full-page screenshot as test-results/screenshots/<name>.png. */
export async function screenshot(page: Page, name: string): Promise<void> {
  mkdirSync(SCREENSHOTS, { recursive: true });
  await page.screenshot({ path: join(SCREENSHOTS, `${name}.png`), fullPage: true });
}

/** Opens the page, pastes the token into the sign-in form and waits for the signed-in header. */
export async function signIn(page: Page, token: string): Promise<void> {
  await page.goto('/');
  await page.getByLabel('Bearer token').fill(token);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.locator('#signed-in-as').waitFor({ state: 'visible' });
}

/** Opens a repository's view through its fragment route and waits for the list to load. */
export async function openRepository(page: Page, repository: string): Promise<void> {
  await page.goto(`/#/r/${repository}`);
  await page.getByRole('heading', { level: 1, name: repository }).waitFor();
  await page.locator('.list-body').getByText('Loading…').waitFor({ state: 'detached' });
}
