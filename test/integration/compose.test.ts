import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { cpSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { bundleService, ensureDebianPackage, ROOT, serviceNodeArgs } from '@herald/testing';
import { imageNodeMajor } from '../support/image-node.js';

// No Docker engine here: Debian's docker-compose validates the file without one.
test('docker-compose.yml is valid and runs every service', () => {
  const bin = ensureDebianPackage('docker-compose', 'docker-compose');
  const out = execFileSync(bin, ['-f', join(ROOT, 'docker-compose.yml'), 'config'], {
    encoding: 'utf8',
    env: { ...process.env, HERALD_JWT_SECRET: 'compose-validation-secret-0123456789abcdef' },
  });
  const services = readdirSync(join(ROOT, 'services'), { withFileTypes: true }).filter((d) => d.isDirectory()).map((d) => d.name);
  for (const s of services) {
    assert.match(out, new RegExp(`^  ${s}:$`, 'm'), `compose has a ${s} service`);
    assert.match(out, new RegExp(`SERVICE: ${s}$`, 'm'), `${s} is built from the Dockerfile`);
  }
  // Topics come from the init step (`herald topics apply`), never from broker auto-create.
  assert.match(out, /KAFKA_AUTO_CREATE_TOPICS_ENABLE: "false"/);
  assert.match(out, /- services\/router\/dist\/init-topics\.js\n\s*- apply$/m);
  assert.match(out, /condition: service_completed_successfully/);
});

test('the Dockerfile builds any service as non-root on Node 22+, its runtime stage only the file set of scripts/image-files.mjs', () => {
  const dockerfile = readFileSync(join(ROOT, 'Dockerfile'), 'utf8');
  assert.match(dockerfile, /^ARG SERVICE$/m);
  assert.equal((dockerfile.match(/^FROM /gm) ?? []).length, 2, 'multi-stage');
  assert.ok(imageNodeMajor() >= 22, `images run Node 22 or newer (${imageNodeMajor()})`);
  // The build stage writes the image's files with the script test/integration/images.test.ts runs
  // (it bundles with scripts/build-service.mjs); the runtime stage copies that and nothing else.
  assert.match(dockerfile, /^RUN node scripts\/image-files\.mjs "\$\{SERVICE\}" \/image$/m);
  const runtime = dockerfile.slice(dockerfile.lastIndexOf('\nFROM '));
  assert.deepEqual(runtime.match(/^COPY .*$/gm), ['COPY --from=build --chown=root:root /image/ ./']);
  assert.match(runtime, /^WORKDIR \/app$/m);
  assert.match(runtime, /^USER node$/m);
});

test('a service runs with the node flags of its package.json, in the image and when tests start it', () => {
  const dockerfile = readFileSync(join(ROOT, 'Dockerfile'), 'utf8');
  assert.match(dockerfile, /exec node \$\(cat services\/\$\{SERVICE\}\/dist\/node-args\) services\/\$\{SERVICE\}\/dist\/main\.js/);
  // A copy inside the repository, so that its workspace imports resolve as the service's own do.
  mkdirSync(join(ROOT, 'test-results'), { recursive: true });
  const out = mkdtempSync(join(ROOT, 'test-results', 'build-'));
  try {
    // The shared build script writes dist/node-args from herald.nodeArgs.
    cpSync(join(ROOT, 'services', 'delivery-inapp'), join(out, 'delivery-inapp'), { recursive: true, filter: (f) => !f.includes('dist') });
    execFileSync(process.execPath, [join(ROOT, 'scripts', 'build-service.mjs'), join(out, 'delivery-inapp')], { cwd: ROOT, stdio: 'ignore' });
    assert.equal(readFileSync(join(out, 'delivery-inapp', 'dist', 'node-args'), 'utf8').trim(), serviceNodeArgs('delivery-inapp').join(' '));
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
  for (const s of ['delivery-webhook', 'delivery-email', 'delivery-slack', 'delivery-flowdock', 'delivery-hipchat', 'delivery-inapp']) {
    assert.deepEqual(serviceNodeArgs(s), ['--max-semi-space-size=32'], s);
  }
  // The router too: a larger young generation scavenges its in-flight fetches less often (bench/router/transform.ts: ~10 % less CPU per event).
  assert.deepEqual(serviceNodeArgs('router'), ['--max-semi-space-size=32']);
  assert.deepEqual(serviceNodeArgs('config-api'), [], 'services without flags run with none');
});


test("every service's build script is the shared one, and its bundle loads on plain node", () => {
  const services = readdirSync(join(ROOT, 'services'), { withFileTypes: true }).filter((d) => d.isDirectory()).map((d) => d.name);
  for (const s of services) {
    const pkg = JSON.parse(readFileSync(join(ROOT, 'services', s, 'package.json'), 'utf8')) as { scripts?: Record<string, string> };
    // The image runs what this script builds; a bundle with workspace imports left external would
    // try to load TypeScript at run time.
    assert.equal(pkg.scripts?.['build'], 'node ../../scripts/build-service.mjs', `services/${s}: npm run build`);
  }
  const entry = bundleService('delivery-webhook');
  // Configuration is read after every module has loaded: an error naming the variable shows the
  // bundle is complete (and that bad input is refused with a clear message).
  const run = spawnSync(process.execPath, [entry], { cwd: ROOT, encoding: 'utf8', env: { ...process.env, DELIVERY_CONCURRENCY: 'not-a-number' }, timeout: 30_000 });
  assert.notEqual(run.status, 0);
  assert.match(run.stderr, /DELIVERY_CONCURRENCY must be an integer, got "not-a-number"/);
});

test("the compose init step's bundle is `herald topics` on plain node", () => {
  // The image has no tsx: init-topics.js is the router bundle's entry of the same command.
  const entry = join(dirname(bundleService('router')), 'init-topics.js');
  // A prefix nothing uses: check reports every topic missing and creates none.
  const prefix = `it-compose-${randomBytes(4).toString('hex')}.`;
  const run = spawnSync(process.execPath, [entry, 'check', '--prefix', prefix], { cwd: ROOT, encoding: 'utf8', timeout: 60_000 });
  assert.equal(run.status, 1, run.stderr);
  const lines = run.stdout.trimEnd().split('\n');
  assert.ok(lines.includes(`${prefix}repository-events: missing`), run.stdout);
  assert.match(lines.at(-1) ?? '', /^0 of (\d+) topics ok; \1 problems in \1; run `npx herald topics apply`$/);
  const usage = spawnSync(process.execPath, [entry, 'apply', '--bogus'], { cwd: ROOT, encoding: 'utf8', timeout: 60_000 });
  assert.equal(usage.status, 2);
});
