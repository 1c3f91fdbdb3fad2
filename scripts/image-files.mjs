// `node scripts/image-files.mjs <service> <out-dir> [--json]`: the file set of herald/<service>'s
// image, exactly as the Dockerfile's runtime stage gets it (its build stage runs this script and the
// runtime stage copies <out-dir> to /app). There is no Docker engine here, so tests check images
// through this script: what it writes is what an image holds besides Node itself.
//
// <out-dir>/services/<service>/dist/  the bundle (scripts/build-service.mjs) without source maps:
//                                      main.js (+ init-topics.js), node-args, package.json, web/
// <out-dir>/services/<service>/package.json  the service's own (its version is read at run time)
// <out-dir>/schemas/                   the Avro schemas and samples, read by the libs at run time
// <out-dir>/node_modules/              only the packages the bundle cannot inline (dist/package.json's
//                                      dependencies) with their dependencies, at the versions installed
//                                      in the workspace, copied in node's layout
//
// The packages are copied from the workspace's node_modules rather than installed afresh from
// dist/package.json: the image then runs the versions the tests ran, and the build needs no network
// beyond the workspace's own `npm ci`. Type declarations, TypeScript sources, source maps and
// documents other than licences are left out.
import { cpSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { basename, dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildService, findPackageDir } from './build-service.mjs';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');

/** Files of an installed package an image does not need. */
function shippedFromPackage(file) {
  const name = basename(file);
  if (/\.(d\.[cm]?ts|[cm]?ts|map|tsbuildinfo)$/.test(name)) return false;
  if (/\.(md|markdown)$/i.test(name)) return /^(licen[cs]e|notice|copying)/i.test(name);
  return true;
}

/** Every package `deps` needs at run time, resolved as node does from `fromDir`: folder → name@version. */
function closure(deps, fromDir, found = new Map()) {
  for (const [name, optional] of deps) {
    let dir;
    try {
      dir = findPackageDir(name, fromDir);
    } catch (err) {
      if (optional) continue;
      throw err;
    }
    // Type declarations only (mongodb-connection-string-url lists @types/whatwg-url as a dependency).
    if (found.has(dir) || name.startsWith('@types/')) continue;
    const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'));
    found.set(dir, { name, version: pkg.version });
    const meta = pkg.peerDependenciesMeta ?? {};
    closure([
      ...Object.keys(pkg.dependencies ?? {}).map((d) => [d, false]),
      ...Object.keys(pkg.optionalDependencies ?? {}).map((d) => [d, true]),
      // An optional peer (mongodb's kerberos, snappy, …) is the user's choice, not a dependency.
      ...Object.keys(pkg.peerDependencies ?? {}).filter((d) => !meta[d]?.optional).map((d) => [d, false]),
    ], dir, found);
  }
  return found;
}

function sizeOf(path) {
  const st = statSync(path);
  if (!st.isDirectory()) return { bytes: st.size, files: 1 };
  let bytes = 0;
  let files = 0;
  for (const e of readdirSync(path)) {
    const s = sizeOf(join(path, e));
    bytes += s.bytes;
    files += s.files;
  }
  return { bytes, files };
}

/** Builds `service` and writes its image's file set to `outDir` (replaced); returns what it holds. */
export async function writeImageFiles(service, outDir) {
  const serviceDir = join(ROOT, 'services', service);
  const dependencies = await buildService(serviceDir);
  const out = resolve(outDir);
  rmSync(out, { recursive: true, force: true });

  const dist = join(serviceDir, 'dist');
  const entries = readdirSync(join(serviceDir, 'src')).filter((f) => ['main.ts', 'init-topics.ts'].includes(f)).map((f) => f.replace(/\.ts$/, '.js'));
  const shipped = [...entries, 'node-args', 'package.json', 'web'].filter((f) => existsIn(dist, f));
  for (const f of shipped) cpSync(join(dist, f), join(out, 'services', service, 'dist', f), { recursive: true });
  // Read at run time too: the HTTP delivery services take their User-Agent version from it.
  cpSync(join(serviceDir, 'package.json'), join(out, 'services', service, 'package.json'));
  cpSync(join(ROOT, 'schemas'), join(out, 'schemas'), { recursive: true });

  const packages = closure(Object.keys(dependencies).map((d) => [d, false]), dist);
  for (const dir of packages.keys()) {
    const nested = join(dir, 'node_modules');
    cpSync(dir, join(out, relative(ROOT, dir)), { recursive: true, filter: (f) => f !== nested && !f.startsWith(`${nested}/`) && shippedFromPackage(f) });
  }

  const part = (p) => (existsIn(out, p) ? sizeOf(join(out, p)).bytes : 0);
  const total = sizeOf(out);
  return {
    service,
    bytes: total.bytes,
    files: total.files,
    bundleBytes: part(join('services', service)),
    schemaBytes: part('schemas'),
    nodeModulesBytes: part('node_modules'),
    packages: [...packages.values()].map((p) => `${p.name}@${p.version}`).sort(),
  };
}

function existsIn(dir, f) {
  try {
    statSync(join(dir, f));
    return true;
  } catch {
    return false;
  }
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const [service, outDir] = process.argv.slice(2).filter((a) => !a.startsWith('--'));
  if (!service || !outDir || !existsIn(join(ROOT, 'services'), join(service, 'src', 'main.ts'))) {
    console.error('usage: node scripts/image-files.mjs <service (a folder under services/)> <out-dir> [--json]');
    process.exit(2);
  }
  try {
    const r = await writeImageFiles(service, outDir);
    if (process.argv.includes('--json')) console.log(JSON.stringify(r));
    else console.log(`${service}: ${r.files} files, ${r.bytes} bytes (bundle ${r.bundleBytes}, schemas ${r.schemaBytes}, node_modules ${r.nodeModulesBytes}: ${r.packages.join(' ') || 'none'})`);
  } catch (err) {
    console.error(err instanceof Error ? err.message : err);
    process.exit(1);
  }
}
