import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { once } from 'node:events';
import { stackAddresses } from '@herald/config';
import { TOPICS } from '@herald/kafka';
import { freePort, ROOT } from '@herald/testing';
import { testKafka } from '../helpers/kafka.js';
import type { Kafka } from '@herald/kafka';
import { openTestDb, type TestDb } from '../helpers/mongo.js';
import { ensureImageNode, imageNodeMajor } from '../support/image-node.js';

// Issue 19: each image holds its service's bundle and only the packages the bundle cannot inline.
// No Docker engine here: scripts/image-files.mjs writes exactly the file set the Dockerfile's runtime
// stage copies, and each service runs from it alone, in a folder outside the repository, where no
// workspace node_modules can be reached, on the images' Node (22; fetched by the test, the
// machines have Node 20) and on the oldest Node the services support outside images (this one).

const SERVICES = readdirSync(join(ROOT, 'services'), { withFileTypes: true }).filter((d) => d.isDirectory()).map((d) => d.name);
/** What the bundles must load from node_modules (scripts/build-service.mjs RUNTIME_PACKAGES). */
const RUNTIME_PACKAGES = ['kafkajs', 'mongodb'];
/** Tools and test servers of the workspace that no image may carry. */
const DEV_ONLY = /^(playwright(-core)?|puppeteer(-core)?|selenium-webdriver|webdriver(io)?|chromedriver|chromium|smtp-server|esbuild|@esbuild\/.+|typescript|tsx|nx|@nx\/.+|eslint|typescript-eslint|@typescript-eslint\/.+|fast-check|@types\/.+)$/;

interface ImageSummary {
  service: string;
  bytes: number;
  files: number;
  nodeModulesBytes: number;
  packages: string[];
}

const work = mkdtempSync(join(tmpdir(), 'herald-images-'));
const images = new Map<string, { dir: string; summary: ImageSummary }>();
let imageNode: { bin: string; version: string };

before(() => {
  assert.ok(relative(ROOT, work).startsWith('..'), `${work} is outside the repository`);
  imageNode = ensureImageNode();
  assert.equal(imageNode.version.split('.')[0], `v${imageNodeMajor()}`);
  for (const s of SERVICES) {
    const dir = join(work, s);
    const out = execFileSync(process.execPath, [join(ROOT, 'scripts', 'image-files.mjs'), s, dir, '--json'], { cwd: ROOT, encoding: 'utf8', timeout: 120_000 });
    images.set(s, { dir, summary: JSON.parse(out) as ImageSummary });
  }
});

after(() => rmSync(work, { recursive: true, force: true }));

function image(s: string): { dir: string; summary: ImageSummary } {
  const i = images.get(s);
  assert.ok(i, `image of ${s} built`);
  return i;
}

/** Every file under `dir`, relative to it. */
function filesUnder(dir: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true }).filter((e) => e.isFile()).map((e) => relative(dir, join(e.parentPath, e.name)));
}

/** The packages installed under node_modules folders of `dir` (scoped and nested ones too). */
function installedPackages(dir: string): string[] {
  return filesUnder(dir)
    .map((f) => /(?:^|\/)node_modules\/((?:@[^/]+\/)?[^/]+)\/package\.json$/.exec(f)?.[1])
    .filter((n): n is string => n !== undefined && !/\/node_modules\/.+\/.+\/package\.json$/.test(n));
}

/** Node with only PATH from this process: no NODE_PATH or NODE_OPTIONS from the workspace. */
function bareEnv(extra: Record<string, string>): Record<string, string> {
  return { PATH: process.env['PATH'] ?? '/usr/bin:/bin', ...extra };
}

/** Commits `groupId`'s offsets at the end of `topic` (a group with no members yet). */
async function startAtEnd(kafka: Kafka, groupId: string, topic: string): Promise<void> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const ends = await admin.fetchTopicOffsets(topic);
    await admin.setOffsets({ groupId, topic, partitions: ends.map((e) => ({ partition: e.partition, offset: e.high })) });
  } finally {
    await admin.disconnect();
  }
}

function nodeArgs(dir: string, s: string): string[] {
  return readFileSync(join(dir, 'services', s, 'dist', 'node-args'), 'utf8').trim().split(' ').filter(Boolean);
}

test('each image holds its bundle, the schemas and only the packages the bundle cannot inline: no dev tools', () => {
  for (const s of SERVICES) {
    const { dir, summary } = image(s);
    const files = filesUnder(dir);
    const top = [...new Set(files.map((f) => f.split('/')[0]))].sort();
    assert.deepEqual(top, ['node_modules', 'schemas', 'services'], s);
    const own = files.filter((f) => f.startsWith('services/')).sort();
    const expected = ['main.js', 'node-args', 'package.json', ...(s === 'router' ? ['init-topics.js'] : [])].map((f) => `services/${s}/dist/${f}`);
    for (const f of expected) assert.ok(own.includes(f), `${s}: ${f}`);
    assert.ok(own.includes(`services/${s}/package.json`), `${s}: its package.json`);
    const extra = own.filter((f) => !expected.includes(f) && f !== `services/${s}/package.json` && !f.startsWith(`services/${s}/dist/web/`));
    assert.deepEqual(extra, [], `${s}: nothing else of the service (no sources, no source maps)`);
    assert.ok(files.includes('schemas/repository-event.avsc'), s);
    assert.deepEqual(files.filter((f) => /\.(ts|map)$/.test(f)), [], `${s}: no TypeScript, type declarations or source maps`);

    const deps = (JSON.parse(readFileSync(join(dir, 'services', s, 'dist', 'package.json'), 'utf8')) as { dependencies: Record<string, string> }).dependencies;
    assert.deepEqual(Object.keys(deps), RUNTIME_PACKAGES, `${s}: the bundle's external packages`);
    const installed = installedPackages(dir);
    assert.deepEqual([...new Set(installed)].sort(), [...new Set(summary.packages.map((p) => p.replace(/@[^@]+$/, '')))].sort(), `${s}: node_modules holds what the summary says`);
    for (const p of RUNTIME_PACKAGES) assert.ok(summary.packages.includes(`${p}@${deps[p]}`), `${s}: ${p}@${deps[p]} shipped`);
    assert.deepEqual(installed.filter((p) => DEV_ONLY.test(p)), [], `${s}: no dev-only package`);
    // Far fewer than the workspace's (it has hundreds): these are kafkajs, mongodb and mongodb's own.
    assert.ok(installed.length <= 15, `${s}: ${installed.length} packages`);
  }
});

test("the config API's image serves its page built at build time, with no esbuild", () => {
  const { dir } = image('config-api');
  const web = join(dir, 'services', 'config-api', 'dist', 'web');
  for (const f of ['index.html', 'styles.css', 'favicon.svg', 'app.js']) assert.ok(existsSync(join(web, f)), f);
  assert.ok(readFileSync(join(web, 'app.js'), 'utf8').length > 1000);
  assert.equal(existsSync(join(web, 'src')), false, 'no page sources');
  // The bundle never imports esbuild (the page is only bundled at run time from a checkout's sources).
  assert.doesNotMatch(readFileSync(join(dir, 'services', 'config-api', 'dist', 'main.js'), 'utf8'), /(from|import\(|require\()\s*["']esbuild["']/);
});

test("each bundle loads from its image file set alone, on the images' Node and on this machine's (20): a bad variable is reported, no module is missing", () => {
  for (const node of [imageNode.bin, process.execPath]) {
    for (const s of SERVICES) {
      const { dir } = image(s);
      // Configuration is read after every module has loaded and every load-time file (schemas, the
      // service's version) has been read: the error naming the variable shows the bundle is complete.
      const run = spawnSync(node, [...nodeArgs(dir, s), join('services', s, 'dist', 'main.js')], { cwd: dir, encoding: 'utf8', env: bareEnv({ LOG_LEVEL: 'loud' }), timeout: 30_000 });
      assert.equal(run.status, 1, `${s} on ${node}: ${run.stderr}`);
      assert.match(run.stderr, /LOG_LEVEL must be one of fatal, error, warn, info, debug, trace, silent, got "loud"/, s);
      assert.doesNotMatch(run.stderr, /Cannot find (module|package)|ERR_MODULE_NOT_FOUND|ENOENT/, s);
    }
    const topics = spawnSync(node, [join('services', 'router', 'dist', 'init-topics.js'), 'apply', '--bogus'], { cwd: image('router').dir, encoding: 'utf8', env: bareEnv({}), timeout: 30_000 });
    assert.equal(topics.status, 2, topics.stderr);
    assert.match(topics.stderr, /Unknown option '--bogus'/);
  }
});

test("each service starts from its image file set alone on the images' Node against the stack, gets ready and stops cleanly on SIGTERM", { timeout: 600_000 }, async () => {
  const stack = stackAddresses();
  const id = randomBytes(4).toString('hex');
  const kafka = testKafka(`herald-test-images-${id}`);
  let db: TestDb | undefined;
  try {
    // A database of its own (no subscriptions: nothing is routed or delivered), and consumer groups
    // that start at the end of the shared topics.
    db = await openTestDb('images');
    const groups: Record<string, Record<string, string>> = {
      router: { ROUTER_GROUP_ID: `herald-test-images-router-${id}`, ROUTER_INSTANCE_ID: `images-${id}` },
      ingest: { INGEST_GROUP_ID: `herald-test-images-ingest-${id}`, INGEST_INSTANCE_ID: `images-${id}` },
      'config-api': { RECENT_REFS_GROUP_ID: `herald-test-images-config-api-${id}` },
    };
    await startAtEnd(kafka, groups['router']!['ROUTER_GROUP_ID']!, TOPICS.repositoryEvents);
    await startAtEnd(kafka, groups['ingest']!['INGEST_GROUP_ID']!, TOPICS.ingestRecords);
    await startAtEnd(kafka, groups['config-api']!['RECENT_REFS_GROUP_ID']!, TOPICS.repositoryEvents);

    for (const s of SERVICES) {
      const { dir } = image(s);
      const opsPort = await freePort();
      const httpPort = await freePort();
      const env = bareEnv({
        KAFKA_BROKERS: stack.kafkaBrokers.join(','),
        SCHEMA_REGISTRY_URL: stack.schemaRegistryUrl,
        MONGO_URL: stack.mongoUrl,
        MONGO_DB: db.name,
        LOG_LEVEL: 'warn',
        OPS_HOST: '127.0.0.1',
        OPS_PORT: String(opsPort),
        HTTP_HOST: '127.0.0.1',
        HTTP_PORT: String(httpPort),
        ...(s.startsWith('delivery-') ? { DELIVERY_GROUP_ID: `herald-test-images-${s}-${id}`, DELIVERY_FROM_BEGINNING: 'false' } : {}),
        ...(s === 'config-api' ? { AUTH_JWT_SECRET: randomBytes(24).toString('hex'), PUBLIC_URL: `http://127.0.0.1:${httpPort}` } : {}),
        ...(s === 'ingest' ? { INGEST_TOKENS: `images=${randomBytes(12).toString('hex')}` } : {}),
        ...groups[s],
      });
      const child = spawn(imageNode.bin, [...nodeArgs(dir, s), join('services', s, 'dist', 'main.js')], { cwd: dir, env, stdio: ['ignore', 'ignore', 'pipe'] });
      let stderr = '';
      child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
      const exited = once(child, 'exit') as Promise<[number | null, NodeJS.Signals | null]>;
      try {
        const deadline = Date.now() + 90_000;
        let ready = false;
        while (!ready && child.exitCode === null && Date.now() < deadline) {
          ready = await fetch(`http://127.0.0.1:${opsPort}/readyz`).then((r) => r.ok, () => false);
          if (!ready) await new Promise((r) => setTimeout(r, 200));
        }
        assert.ok(ready, `${s} ready from its image file set (exit ${child.exitCode}): ${stderr}`);
        if (s === 'config-api') {
          const base = `http://127.0.0.1:${httpPort}`;
          const js = await fetch(`${base}/static/app.js`);
          assert.equal(js.status, 200);
          assert.equal(await js.text(), readFileSync(join(dir, 'services', s, 'dist', 'web', 'app.js'), 'utf8'), 'the page bundle built at build time');
          assert.equal((await fetch(`${base}/`)).status, 200);
        }
      } finally {
        child.kill('SIGTERM');
      }
      const [code] = await exited;
      assert.equal(code, 0, `${s} stops cleanly: ${stderr}`);
    }
  } finally {
    await db?.drop();
  }
});
