import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { promisify } from 'node:util';
import { DELIVERY_JOB_SCHEMA, SUBJECTS } from '@herald/events';
import { TOPICS, type Producer } from '@herald/kafka';
import { NotificationStore } from '@herald/subscriptions';
import { ROOT, startService, type ServiceProcess } from '@herald/testing';
import { openTestDb, type TestDb } from '../helpers/mongo.js';
import { eventually } from '../helpers/wait.js';
import { positionAtEnd } from '../support/job-reader.js';
import { BROKERS, REGISTRY_URL, startReceiver, WebhookFixture, type Receiver } from './webhook-fixture.js';

// Issue 14: a delivery service meets a job whose schema id it has not cached (written by a newer
// writer schema: the job record with one more field) while the schema registry is stopped. /readyz
// is 503 naming the registry, the job waits (not dead-lettered, no failure counted), and once the
// registry is back readiness returns to 200 by itself and the job is delivered.
const fx = new WebhookFixture();
const id = randomBytes(4).toString('hex');
const groupId = `herald-test-delivery-registry-${id}`;
const stack = (...args: string[]) => promisify(execFile)(process.execPath, [`${ROOT}/scripts/stack.mjs`, ...args], { cwd: ROOT, env: process.env });
let testDb: TestDb;
let rx: Receiver;
let svc: ServiceProcess | undefined;
let producer: Producer;

before(async () => {
  await fx.setup();
  testDb = await openTestDb('delivery_registry');
  rx = await startReceiver();
  fx.onTeardown(rx.close);
  producer = fx.kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
  await producer.connect();
  await positionAtEnd(fx.kafka, groupId, [TOPICS.jobs('webhook'), ...[1, 2, 3].map((n) => TOPICS.retry('webhook', n))]);
});

after(async () => {
  await svc?.kill('SIGKILL');
  await producer?.disconnect();
  await fx.teardown();
  await testDb?.drop();
});

/** Registers the job record with one more field (last, with a default) under a subject of this test's own: a new schema id. */
async function newerJobSchemaId(): Promise<number> {
  const def = DELIVERY_JOB_SCHEMA.definition as { fields: unknown[] };
  const newer = { ...def, fields: [...def.fields, { name: `lifecycle_test_${id}`, type: 'int', default: 0 }] };
  const r = await fetch(`${REGISTRY_URL}/subjects/herald-test-${id}-value/versions`, {
    method: 'POST',
    headers: { 'content-type': 'application/vnd.schemaregistry.v1+json' },
    body: JSON.stringify({ schema: JSON.stringify(newer) }),
  });
  assert.equal(r.status, 200, await r.clone().text());
  return ((await r.json()) as { id: number }).id;
}

test('schema registry down for a job schema id not cached: /readyz 503 naming it, delivered once it is back', { timeout: 180_000 }, async () => {
  const store = new NotificationStore(testDb.db);
  await store.ensureIndexes();
  const n = await fx.notifyIn(store, { url: `${rx.url}/hook` }, { repository: `registry-${id}/app`, createdBy: 'registry-test' });
  const schemaId = await newerJobSchemaId();
  svc = await startService('delivery-webhook', {
    KAFKA_BROKERS: BROKERS.join(','),
    SCHEMA_REGISTRY_URL: REGISTRY_URL,
    MONGO_DB: testDb.name,
    DELIVERY_GROUP_ID: groupId,
    DELIVERY_RETRY_DELAYS_MS: '500,1000,2000',
    WEBHOOK_ALLOW_LIST: '127.0.0.1',
    LOG_LEVEL: 'warn',
  }, `webhook-registry-${id}`);
  await svc.ready(90_000);
  const ops = `http://127.0.0.1:${svc.opsPort}`;
  const job = fx.job(n);
  // The same job in the newer writer schema: its id, the old payload, and the new int field (0).
  const old = fx.codec.encode(SUBJECTS.jobs('webhook'), job);
  const header = Buffer.alloc(5);
  header.writeUInt32BE(schemaId, 1);
  const value = Buffer.concat([header, old.subarray(5), Buffer.from([0])]);

  await stack('down', 'registry');
  let restarted = false;
  try {
    await producer.send({ topic: TOPICS.jobs('webhook'), acks: -1, messages: [{ key: n.uuid, value }] });
    const down = await eventually(async () => {
      const r = await fetch(`${ops}/readyz`);
      assert.equal(r.status, 503);
      return (await r.json()) as { reason?: string };
    }, 30_000, 200);
    assert.match(String(down.reason), /^schema-registry unreachable/);
    assert.equal((await fetch(`${ops}/healthz`)).status, 200, 'alive: it recovers by itself');
    assert.equal(rx.requests.length, 0);
    await stack('up', 'registry');
    restarted = true;
    await eventually(async () => assert.equal((await fetch(`${ops}/readyz`)).status, 200), 60_000, 200);
    const [got] = await rx.waitFor(1, 30_000);
    assert.equal(got?.headers['webhook-id'], job.delivery_id);
    const doc = await store.get(n.uuid);
    assert.equal(doc?.number_of_failures, 0);
    assert.equal(doc?.disabled, false);
  } finally {
    if (!restarted) await stack('up', 'registry');
  }
});
