import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { envExample, envKeys, readmeBlock, renderReference, REPO_ROOT as ROOT, serviceNames } from '@herald/infra';

// Every environment variable a service reads is in its .env.example and in README.md, and nothing
// else is: the documentation cannot drift from the config schemas.
for (const service of serviceNames()) {
  test(`${service}: .env.example lists exactly the variables of its config schema (and tracing's OTEL_* ones)`, async () => {
    const keys = (await envKeys(service)).sort();
    const listed = envExample(service).map((e) => e.name).sort();
    assert.deepEqual(listed, keys);
  });
}

test('README.md configuration reference matches the .env.example files', () => {
  const block = readmeBlock(readFileSync(join(ROOT, 'README.md'), 'utf8'));
  assert.ok(block, 'README.md has the generated block');
  assert.equal(block, renderReference(), 'run: node --import tsx infra/config-reference.ts --write');
});
