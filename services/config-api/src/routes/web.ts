import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { FastifyInstance, FastifyReply } from 'fastify';
import { NotFoundError } from '../http/http-errors.js';

/**
 * The admin page (services/config-api/web): plain HTML and CSS plus one TypeScript bundle. The
 * service bundle (scripts/build-service.mjs, what the image runs) carries the page built at build
 * time in dist/web/, so the running service needs no esbuild. Run from its sources (tsx: `npm start`,
 * tests), it builds the bundle in memory on first request, the same way (scripts/build-web-page.mjs),
 * and keeps it for the life of the process: nothing generated is committed and no build step is needed.
 */
export const WEB_CSP =
  "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self'; connect-src 'self'; " +
  "object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'";

interface Asset {
  type: string;
  body: string | Uint8Array;
}

/** Where the page's files are: built (dist/web/, app.js included) or its sources (web/, src/main.ts). */
export interface WebPage {
  dir: string;
  built: boolean;
}

/** The bundle's file in a built page (WEB_BUNDLE_FILE of scripts/build-web-page.mjs). */
const BUNDLE_FILE = 'app.js';

/** The page beside the bundle (dist/web/), or its sources when run from src/routes/ with tsx. */
export function findWebPage(from: string = import.meta.url): WebPage | undefined {
  const built = fileURLToPath(new URL('./web/', from));
  if (existsSync(`${built}index.html`) && existsSync(`${built}${BUNDLE_FILE}`)) return { dir: built, built: true };
  const source = fileURLToPath(new URL('../../web/', from));
  if (existsSync(`${source}index.html`) && existsSync(`${source}src/main.ts`)) return { dir: source, built: false };
  return undefined;
}

/** The page's sources bundled for browsers by the build's own code (a repository checkout only). */
async function bundleFromSources(webDir: string): Promise<string> {
  const builder = new URL('../../../scripts/build-web-page.mjs', pathToFileURL(webDir));
  const { bundleWebPage } = (await import(builder.href)) as { bundleWebPage: (dir: string) => Promise<string> };
  return bundleWebPage(webDir);
}

const FILES: Record<string, { file: string; type: string }> = {
  '/': { file: 'index.html', type: 'text/html; charset=utf-8' },
  '/static/app.css': { file: 'styles.css', type: 'text/css; charset=utf-8' },
  '/static/favicon.svg': { file: 'favicon.svg', type: 'image/svg+xml' },
};
const BUNDLE_PATH = '/static/app.js';

function secured(reply: FastifyReply, type: string): FastifyReply {
  return reply
    .type(type)
    .header('Content-Security-Policy', WEB_CSP)
    .header('X-Content-Type-Options', 'nosniff')
    .header('Referrer-Policy', 'no-referrer')
    .header('Cross-Origin-Opener-Policy', 'same-origin')
    // Small files, rebuilt at every start: revalidating costs little and never serves a stale page.
    .header('Cache-Control', 'no-cache');
}

/** `GET /` (the admin page) and its static files under `/static/`. */
export function registerWeb(app: FastifyInstance, page: WebPage | null = findWebPage() ?? null): void {
  const cache = new Map<string, Promise<Asset>>();
  const load = (path: string): Promise<Asset> => {
    let p = cache.get(path);
    if (!p) {
      p = (async (): Promise<Asset> => {
        if (!page) throw new NotFoundError('the admin page is not installed with this service');
        if (path === BUNDLE_PATH) {
          const body = page.built ? await readFile(`${page.dir}${BUNDLE_FILE}`) : await bundleFromSources(page.dir);
          return { type: 'text/javascript; charset=utf-8', body };
        }
        const f = FILES[path];
        if (!f) throw new NotFoundError(`no route GET ${path}`);
        return { type: f.type, body: await readFile(`${page.dir}${f.file}`) };
      })();
      // A failed load is not cached, so a fixed file is picked up by the next request.
      p.catch(() => cache.delete(path));
      cache.set(path, p);
    }
    return p;
  };
  for (const path of [...Object.keys(FILES), BUNDLE_PATH]) {
    app.get(path, { schema: { hide: true } }, async (_req, reply) => {
      const asset = await load(path);
      return secured(reply, asset.type).send(asset.body);
    });
  }
}
