// The config API's admin page (services/config-api/web): its TypeScript becomes one browser bundle,
// its static files are served as they are. The one place that says how the page is bundled:
// scripts/build-service.mjs writes it to dist/web/ at build time (what the image serves, with no
// esbuild at run time), and the service run from its sources (tsx: `npm start`, tests) builds it in
// memory on first request through bundleWebPage.
import { copyFile, mkdir, readdir, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { build } from 'esbuild';

/** The bundle's name in the built folder; the page loads it as /static/app.js. */
export const WEB_BUNDLE_FILE = 'app.js';

// The folder's files that are not served: its notes and its type-checking settings.
const NOT_SERVED = new Set(['README.md', 'tsconfig.json']);

/** `webDir` (ending in /) holds index.html and src/main.ts; returns the minified browser bundle. */
export async function bundleWebPage(webDir) {
  const out = await build({
    entryPoints: [join(webDir, 'src', 'main.ts')],
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

/**
 * Writes the page as served (static files and the bundle, app.js) to `outDir`, replacing it whole
 * (a file removed from the page leaves no copy behind); a process serving the old folder sees it
 * missing only between the two renames.
 */
export async function writeWebPage(webDir, outDir) {
  const bundle = await bundleWebPage(webDir);
  const next = `${outDir}.next-${process.pid}`;
  await rm(next, { recursive: true, force: true });
  await mkdir(next, { recursive: true });
  for (const e of await readdir(webDir, { withFileTypes: true })) {
    if (e.isFile() && !NOT_SERVED.has(e.name)) await copyFile(join(webDir, e.name), join(next, e.name));
  }
  await writeFile(join(next, WEB_BUNDLE_FILE), bundle);
  await rm(outDir, { recursive: true, force: true });
  await rename(next, outDir);
}
