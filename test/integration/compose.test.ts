import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { ensureDebianPackage, ROOT, serviceNodeArgs } from '@herald/testing';

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
  // Topics come from the init step, never from broker auto-create.
  assert.match(out, /KAFKA_AUTO_CREATE_TOPICS_ENABLE: "false"/);
  assert.match(out, /init-topics\.js/);
  assert.match(out, /condition: service_completed_successfully/);
});

test('the Dockerfile builds any service as non-root from the shared build script', () => {
  const dockerfile = readFileSync(join(ROOT, 'Dockerfile'), 'utf8');
  assert.match(dockerfile, /^ARG SERVICE$/m);
  assert.match(dockerfile, /scripts\/build-service\.mjs "services\/\$\{SERVICE\}"/);
  assert.match(dockerfile, /^USER node$/m);
  assert.equal((dockerfile.match(/^FROM /gm) ?? []).length, 2, 'multi-stage');
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
  assert.deepEqual(serviceNodeArgs('router'), [], 'services without flags run with none');
});

