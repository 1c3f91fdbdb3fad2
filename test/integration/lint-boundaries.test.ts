import { before, test } from 'node:test';
import { execFileSync } from 'node:child_process';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { ESLint } from 'eslint';
import { ROOT } from '@herald/testing';

// DESIGN.md: only libs/kafka imports kafkajs, only libs/events avsc and the registry client, only
// libs/mongo the MongoDB driver; services never import services. Linted as if the files existed.
const eslint = new ESLint({ cwd: ROOT });

// The Nx rule reads the cached project graph; compute it first, as `nx run-many -t lint` would.
before(() => {
  execFileSync('npx', ['nx', 'show', 'projects'], { cwd: ROOT, stdio: 'ignore', env: { ...process.env, NX_DAEMON: 'false', NX_NO_CLOUD: 'true' } });
});

async function errors(file: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath: join(ROOT, file) });
  return (result?.messages ?? []).filter((m) => m.severity === 2).map((m) => `${m.ruleId}: ${m.message}`);
}

test('a lib other than libs/mongo may not import mongodb', async () => {
  const found = await errors('libs/config/forbidden.ts', "import { MongoClient } from 'mongodb';\nexport const x = MongoClient;\n");
  assert.ok(found.some((e) => e.includes('@nx/enforce-module-boundaries') && e.includes('mongodb')), found.join('\n'));
});

test('a service may not import a Kafka client or avsc directly', async () => {
  for (const pkg of ['kafkajs', '@platformatic/kafka', 'avsc', '@kafkajs/confluent-schema-registry']) {
    const found = await errors('services/router/src/forbidden.ts', `import * as m from '${pkg}';\nexport const x = m;\n`);
    assert.ok(found.some((e) => e.includes(pkg)), `${pkg}: ${found.join('\n')}`);
  }
});

test('a service may not import another service', async () => {
  const found = await errors('services/router/src/forbidden.ts', "import { createApp } from '@herald/config-api';\nexport const x = createApp;\n");
  assert.ok(found.some((e) => e.includes('@nx/enforce-module-boundaries')), found.join('\n'));
});

test('the allowed imports pass', async () => {
  assert.deepEqual(await errors('libs/kafka/allowed.ts', "import { Kafka } from 'kafkajs';\nexport const x = Kafka;\n"), []);
  assert.deepEqual(await errors('services/router/src/allowed.ts', "import { createKafka } from '@herald/kafka';\nexport const x = createKafka;\n"), []);
});
