// Makes sure Debian's Chromium is installed for the browser tests (test/browser). playwright-core
// drives it; browser downloads by test tools do not work on these machines, so the distribution's
// package is the browser. Run directly (`node scripts/ensure-chromium.mjs`) or import ensureChromium().
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

export const CHROMIUM_PATH = '/usr/bin/chromium';

function run(cmd, args) {
  console.error(`ensure-chromium: ${cmd} ${args.join(' ')}`);
  const t0 = Date.now();
  // DEBIAN_FRONTEND: no debconf prompt may wait for a terminal that CI does not have.
  const r = spawnSync(cmd, args, { stdio: ['ignore', 'inherit', 'inherit'], env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } });
  if (r.error) throw new Error(`ensure-chromium: could not run ${cmd}: ${r.error.message}`);
  if (r.status !== 0) throw new Error(`ensure-chromium: ${cmd} ${args.join(' ')} exited with ${r.status}`);
  console.error(`ensure-chromium: ${cmd} done in ${((Date.now() - t0) / 1000).toFixed(1)}s`);
}

/** Installs the `chromium` package when /usr/bin/chromium is missing; returns its path. Needs root. */
export function ensureChromium() {
  if (existsSync(CHROMIUM_PATH)) return CHROMIUM_PATH;
  if (typeof process.getuid === 'function' && process.getuid() !== 0) {
    throw new Error(`ensure-chromium: ${CHROMIUM_PATH} is missing and installing it needs root: apt-get install -y chromium`);
  }
  console.error(`ensure-chromium: ${CHROMIUM_PATH} is missing; installing Debian's chromium package`);
  run('apt-get', ['update']);
  run('apt-get', ['install', '-y', 'chromium']);
  if (!existsSync(CHROMIUM_PATH)) throw new Error(`ensure-chromium: the chromium package installed no ${CHROMIUM_PATH}`);
  return CHROMIUM_PATH;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  try {
    console.log(ensureChromium());
  } catch (err) {
    console.error(err instanceof Error ? err.message : err);
    process.exit(1);
  }
}
