import { test } from 'node:test';
import assert from 'node:assert/strict';
import Fastify from 'fastify';
import { errorHandler } from '../http/error-handler.js';
import { cpSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { findWebPage, registerWeb, WEB_CSP } from './web.js';

test('serves the page, its stylesheet and its bundle (built on first request) with a strict CSP', async () => {
  const app = Fastify();
  registerWeb(app);
  const page = await app.inject({ method: 'GET', url: '/' });
  assert.equal(page.statusCode, 200);
  assert.match(page.headers['content-type'] as string, /^text\/html/);
  assert.equal(page.headers['content-security-policy'], WEB_CSP);
  assert.match(WEB_CSP, /script-src 'self'; style-src 'self';.*object-src 'none'; base-uri 'none'; frame-ancestors 'none'/);
  assert.match(page.body, /<script type="module" src="\/static\/app\.js"><\/script>/);

  const js = await app.inject({ method: 'GET', url: '/static/app.js' });
  assert.equal(js.statusCode, 200);
  assert.match(js.headers['content-type'] as string, /^text\/javascript/);
  assert.equal(js.headers['x-content-type-options'], 'nosniff');
  assert.ok(js.body.length > 1000);
  assert.doesNotMatch(js.body, /innerHTML|outerHTML|insertAdjacentHTML|document\.write|eval\(/);
  // The bundle is built once and kept.
  assert.equal((await app.inject({ method: 'GET', url: '/static/app.js' })).body, js.body);

  assert.equal((await app.inject({ method: 'GET', url: '/static/app.css' })).statusCode, 200);
  assert.equal((await app.inject({ method: 'GET', url: '/static/favicon.svg' })).headers['content-type'], 'image/svg+xml');
  assert.equal((await app.inject({ method: 'GET', url: '/static/../package.json' })).statusCode, 404);
  await app.close();
});

test('finds the page from src/routes (tsx: its sources) and beside a bundle (built); answers 404 without it', async () => {
  const source = findWebPage();
  assert.ok(source?.dir.endsWith('/services/config-api/web/'), source?.dir);
  assert.equal(source?.built, false);
  assert.equal(findWebPage('file:///nonexistent/a/b.js'), undefined);

  // A bundle's dist/ holds the page as scripts/build-service.mjs writes it: served as built, never bundled.
  const dist = mkdtempSync(join(tmpdir(), 'herald-web-'));
  try {
    const built = join(dist, 'web');
    cpSync(source!.dir, built, { recursive: true, filter: (f) => !f.startsWith(`${source!.dir}src`) });
    writeFileSync(join(built, 'app.js'), 'console.log("built at build time");\n');
    const page = findWebPage(pathToFileURL(join(dist, 'main.js')).href);
    assert.deepEqual(page, { dir: `${built}/`, built: true });
    const app = Fastify();
    registerWeb(app, page);
    assert.equal((await app.inject({ method: 'GET', url: '/static/app.js' })).body, 'console.log("built at build time");\n');
    assert.match((await app.inject({ method: 'GET', url: '/' })).body, /<script type="module" src="\/static\/app\.js"><\/script>/);
    await app.close();
  } finally {
    rmSync(dist, { recursive: true, force: true });
  }

  const app = Fastify();
  app.setErrorHandler(errorHandler);
  registerWeb(app, null);
  const res = await app.inject({ method: 'GET', url: '/' });
  assert.equal(res.statusCode, 404);
  assert.match(res.json<{ error: string }>().error, /admin page is not installed/);
  await app.close();
});
