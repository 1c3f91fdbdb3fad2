// Bundles a service (run in its folder, or pass the folder) to dist/: every src/*.ts entry that
// is not a test or a module of main (main.ts, and e.g. init-topics.ts) becomes dist/<name>.js.
// Herald's workspace libs (TypeScript) are compiled in; third-party packages stay external and load
// from node_modules. Used by each service's `build` script and by the Dockerfile. dist/node-args
// holds the service's node flags (`herald.nodeArgs` in its package.json) for the image's command.
import { existsSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { relative, resolve } from 'node:path';
import { build } from 'esbuild';

const here = resolve(process.argv[2] ?? process.cwd());
const outdir = resolve(here, 'dist');
const entries = ['main', 'init-topics'].map((n) => resolve(here, 'src', `${n}.ts`)).filter((f) => existsSync(f));
if (entries.length === 0) {
  console.error(`no src/main.ts in ${here}`);
  process.exit(1);
}

const externalThirdParty = {
  name: 'external-third-party',
  setup(b) {
    b.onResolve({ filter: /^[^./]/ }, (args) => (args.path.startsWith('@herald/') ? undefined : { path: args.path, external: true }));
  },
};

// Libs locate repository files (schemas/, samples) from their own import.meta.url. In a bundle that
// would be dist/main.js, so each lib module gets its original location, relative to the bundle.
const keepModuleUrls = {
  name: 'keep-module-urls',
  setup(b) {
    b.onLoad({ filter: /[\\/]libs[\\/].*\.ts$/ }, async (args) => {
      const source = await readFile(args.path, 'utf8');
      if (!source.includes('import.meta.url')) return undefined;
      const rel = relative(outdir, args.path).split('\\').join('/');
      return { contents: source.replaceAll('import.meta.url', `new URL(${JSON.stringify(rel)}, import.meta.url).href`), loader: 'ts' };
    });
  },
};

await build({
  entryPoints: entries,
  outdir,
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  sourcemap: true,
  plugins: [externalThirdParty, keepModuleUrls],
  logLevel: 'info',
});

const pkg = JSON.parse(await readFile(resolve(here, 'package.json'), 'utf8'));
const nodeArgs = pkg.herald?.nodeArgs ?? [];
if (!Array.isArray(nodeArgs) || !nodeArgs.every((a) => typeof a === 'string' && /^--[a-z0-9-]+(=[A-Za-z0-9._-]+)?$/.test(a))) {
  console.error(`${relative(process.cwd(), here) || '.'}/package.json: herald.nodeArgs must be a list of node flags such as --max-semi-space-size=32`);
  process.exit(1);
}
await writeFile(resolve(outdir, 'node-args'), `${nodeArgs.join(' ')}\n`);
