// `npm test`: installs dependencies, lints and typechecks every project, runs unit tests, brings up
// the real local stack (Kafka, schema registry, FerretDB) when it is not running, runs the
// integration tests against it, and fails if any test failed or none ran.
import { spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ensureDeps } from './ensure-deps.mjs';
import { findTests, runNodeTests } from './run-node-tests.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const only = process.argv[2]; // optional: "unit" or "integration"
const env = { ...process.env, NX_NO_CLOUD: 'true', NX_DAEMON: 'false', NX_TUI: 'false' };

function step(title, cmd, args) {
  console.log(`\n== ${title}`);
  const t0 = Date.now();
  const r = spawnSync(cmd, args, { cwd: root, stdio: 'inherit', env });
  console.log(`== ${title}: ${r.status === 0 ? 'ok' : 'FAILED'} (${((Date.now() - t0) / 1000).toFixed(1)}s)`);
  if (r.status !== 0) process.exit(1);
}

ensureDeps(root);
if (!only) step('lint + typecheck', 'npx', ['nx', 'run-many', '-t', 'lint', 'typecheck', '--parallel=2', '--outputStyle=static']);

const totals = { tests: 0, pass: 0, fail: 0 };
let failed = false;
async function suite(name, dirs, opts) {
  const files = dirs.flatMap((d) => findTests(join(root, d)));
  console.log(`\n== ${name} tests: ${files.length} files`);
  if (files.length === 0) return;
  const r = await runNodeTests(files, { cwd: root, env, ...opts });
  totals.tests += r.tests;
  totals.pass += r.pass;
  totals.fail += r.fail;
  if (r.code !== 0 || r.fail > 0) failed = true;
}

if (only !== 'integration') await suite('unit', ['libs', 'services', 'scripts', 'infra'], { concurrency: 2, timeoutMs: 60_000 });
if (only !== 'unit') {
  step('stack up', process.execPath, [join(root, 'scripts', 'stack.mjs'), 'up']);
  // Services check their topics at start and never create them: provision as a deployment does.
  step('topics apply', process.execPath, [join(root, 'scripts', 'herald.mjs'), 'topics', 'apply']);
  await suite('integration', ['test'], { concurrency: 1, timeoutMs: 900_000 });
}

console.log(`\n${totals.pass} passed, ${totals.fail} failed`);
if (totals.tests === 0) {
  console.error('no tests ran: failing');
  process.exit(1);
}
process.exit(failed ? 1 : 0);
