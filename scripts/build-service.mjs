// Bundles a service (run in its folder, or pass the folder) to dist/: every src/*.ts entry that
// is not a test or a module of main (main.ts, and e.g. init-topics.ts) becomes dist/<name>.js.
// Herald's workspace libs and every third-party package that can be are inlined; the few that must
// load from node_modules at run time (RUNTIME_PACKAGES) stay external, and dist/package.json lists
// those the bundle imports, at their installed versions (scripts/image-files.mjs ships exactly
// them). A service with a web page (web/src/main.ts) gets it built into dist/web/. Used by each
// service's `build` script, by the Dockerfile (through image-files.mjs) and by tests (bundleService).
// dist/node-args holds the service's node flags (`herald.nodeArgs` in its package.json) for the
// image's command.
import { existsSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { isBuiltin } from 'node:module';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { writeWebPage } from './build-web-page.mjs';

/**
 * Packages loaded from node_modules at run time, and why each cannot be inlined. Both are patched
 * by Herald through require() of their internal modules (libs/kafka/kafkajs-patches.ts,
 * libs/mongo/mongodb-patches.ts): the patch must reach the very CommonJS instances the package
 * itself loads, which a bundle's inlined copy is not.
 */
export const RUNTIME_PACKAGES = {
  kafkajs: 'patched through kafkajs/src/... (request queue, consumer group)',
  mongodb: 'patched through mongodb/lib/cmap/connection_pool.js',
};

/** The package a bare import names ('@scope/name/sub' → '@scope/name'). */
export function packageOf(specifier) {
  const parts = specifier.split('/');
  return specifier.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0];
}

const runtimeExternals = {
  name: 'runtime-externals',
  setup(b) {
    b.onResolve({ filter: /^[^./]/ }, (args) => (Object.hasOwn(RUNTIME_PACKAGES, packageOf(args.path)) ? { path: args.path, external: true } : undefined));
  },
};

// @platformatic/wasm-utils reads dist/native.wasm next to its own module; in a bundle that would be
// the service's dist/. Its `bundled` entry is the same code with the module inlined.
const inlineWasm = {
  name: 'inline-wasm',
  setup(b) {
    b.onResolve({ filter: /^@platformatic\/wasm-utils$/ }, (args) =>
      b.resolve('@platformatic/wasm-utils/bundled', { kind: args.kind, resolveDir: args.resolveDir }));
  },
};

/** The folder of package `name` as node resolves it from `fromDir` (the nearest node_modules/`name` up the tree). */
export function findPackageDir(name, fromDir) {
  for (let dir = resolve(fromDir); ; dir = dirname(dir)) {
    const candidate = join(dir, 'node_modules', name);
    if (existsSync(join(candidate, 'package.json'))) return candidate;
    if (dirname(dir) === dir) throw new Error(`package ${name} is not installed (looked up from ${fromDir})`);
  }
}

/** Bundles the service in `dir` to `dir`/dist/; returns the external packages its bundle imports. */
export async function buildService(dir) {
  const here = resolve(dir);
  const outdir = resolve(here, 'dist');
  const entries = ['main', 'init-topics'].map((n) => resolve(here, 'src', `${n}.ts`)).filter((f) => existsSync(f));
  if (entries.length === 0) throw new Error(`no src/main.ts in ${here}`);
  const pkg = JSON.parse(await readFile(resolve(here, 'package.json'), 'utf8'));
  const nodeArgs = pkg.herald?.nodeArgs ?? [];
  if (!Array.isArray(nodeArgs) || !nodeArgs.every((a) => typeof a === 'string' && /^--[a-z0-9-]+(=[A-Za-z0-9._-]+)?$/.test(a))) {
    throw new Error(`${relative(process.cwd(), here) || '.'}/package.json: herald.nodeArgs must be a list of node flags such as --max-semi-space-size=32`);
  }

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

  const result = await build({
    entryPoints: entries,
    outdir,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    sourcemap: true,
    metafile: true,
    // Inlined CommonJS packages call require() (node's modules, optional ones in try/catch); an ES
    // module has none, so the bundle gets one of its own.
    banner: { js: "import { createRequire as __heraldCreateRequire } from 'node:module';\nconst require = __heraldCreateRequire(import.meta.url);" },
    plugins: [inlineWasm, runtimeExternals, keepModuleUrls],
    logLevel: 'warning',
  });

  const external = new Set();
  for (const out of Object.values(result.metafile.outputs)) {
    for (const imp of out.imports) {
      if (imp.external && !isBuiltin(imp.path) && !imp.path.startsWith('node:')) external.add(packageOf(imp.path));
    }
  }
  // The versions installed where the bundle was built: what the tests ran, and what the image ships.
  const dependencies = {};
  for (const name of [...external].sort()) {
    dependencies[name] = JSON.parse(await readFile(join(findPackageDir(name, outdir), 'package.json'), 'utf8')).version;
  }
  await writeFile(join(outdir, 'package.json'), `${JSON.stringify({ private: true, type: 'module', dependencies }, null, 2)}\n`);
  await writeFile(join(outdir, 'node-args'), `${nodeArgs.join(' ')}\n`);
  if (existsSync(join(here, 'web', 'src', 'main.ts'))) await writeWebPage(join(here, 'web'), join(outdir, 'web'));
  return dependencies;
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  try {
    await buildService(process.argv[2] ?? process.cwd());
  } catch (err) {
    console.error(err instanceof Error ? err.message : err);
    process.exit(1);
  }
}
