import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ensureDebianPackage, ROOT } from '@herald/testing';

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
