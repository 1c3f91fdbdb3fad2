import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import type { FastifyInstance, FastifyReply } from 'fastify';
import { NotFoundError } from '../http/http-errors.js';

/**
 * The admin page (services/config-api/web): plain HTML and CSS plus one TypeScript bundle, built
 * in memory by esbuild on first request and kept for the life of the process. Nothing generated is
 * committed and there is no build step to forget: a fresh clone serves the page from `npm start`.
 */
export const WEB_CSP =
  "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self'; connect-src 'self'; " +
  "object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'";

interface Asset {
  type: string;
  body: string | Uint8Array;
}

// From src/routes/ when run with tsx, from dist/ when bundled by scripts/build-service.mjs.
const CANDIDATE_DIRS = ['../../web/', '../web/'];

/** The folder holding index.html and src/main.ts, or undefined when the page is not shipped. */
export function findWebDir(from: string = import.meta.url): string | undefined {
  for (const rel of CANDIDATE_DIRS) {
    const dir = fileURLToPath(new URL(rel, from));
    if (existsSync(`${dir}index.html`) && existsSync(`${dir}src/main.ts`)) return dir;
  }
  return undefined;
}

/** Bundles web/src/main.ts for browsers; esbuild is imported only when the page is first asked for. */
export async function bundleWebApp(webDir: string): Promise<string> {
  const { build } = await import('esbuild');
  const out = await build({
    entryPoints: [`${webDir}src/main.ts`],
    bundle: true,
    write: false,
    format: 'esm',
    platform: 'browser',
    target: ['chrome109', 'firefox115', 'safari16'],
    minify: true,
    legalComments: 'none',
    logLevel: 'silent',
  });
  const file = out.outputFiles[0];
  if (!file) throw new Error('esbuild produced no output for the web page');
  return file.text;
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
export function registerWeb(app: FastifyInstance, webDir: string | null = findWebDir() ?? null): void {
  const cache = new Map<string, Promise<Asset>>();
  const load = (path: string): Promise<Asset> => {
    let p = cache.get(path);
    if (!p) {
      p = (async (): Promise<Asset> => {
        if (!webDir) throw new NotFoundError('the admin page is not installed with this service');
        if (path === BUNDLE_PATH) return { type: 'text/javascript; charset=utf-8', body: await bundleWebApp(webDir) };
        const f = FILES[path];
        if (!f) throw new NotFoundError(`no route GET ${path}`);
        return { type: f.type, body: await readFile(`${webDir}${f.file}`) };
      })();
      // A failed load is not cached, so a fixed file is picked up by the next request.
      p.catch(() => cache.delete(path));
      cache.set(path, p);
    }
    return p;
  };
  for (const path of [...Object.keys(FILES), BUNDLE_PATH]) {
    app.get(path, async (_req, reply) => {
      const asset = await load(path);
      return secured(reply, asset.type).send(asset.body);
    });
  }
}
