// Inspection records while MongoDB (FerretDB) is unreachable: the store reaches the shared FerretDB
// through a TCP proxy that the test cuts and restores (a real refused connection), as the attempt
// log's outage test does.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { InspectionStore, type AttemptInspection } from '@herald/delivery';
import { createMongoClient, type MongoClient } from '@herald/mongo';
import { openTestDb, TEST_MONGO_URL, type TestDb } from '../helpers/mongo.js';
import { TcpProxy } from '../helpers/tcp-proxy.js';

let t: TestDb;
let proxy: TcpProxy;
let client: MongoClient;

before(async () => {
  t = await openTestDb('inspection_outage');
  const target = new URL(TEST_MONGO_URL);
  proxy = await TcpProxy.start({ host: target.hostname, port: Number(target.port || 27017) });
  client = createMongoClient({ url: `mongodb://127.0.0.1:${proxy.port}/?retryWrites=false`, serverSelectionTimeoutMs: 1_500 });
});
after(async () => {
  await client?.close();
  await proxy?.cut();
  await t?.drop();
});

let seq = 0;
function rec(uuid: string): Omit<AttemptInspection, 'id'> {
  return {
    notification_uuid: uuid,
    delivery_id: `d-${seq++}`,
    attempt: 1,
    time: new Date(Date.now() - 60_000 + seq),
    outcome: 'success',
    duration_ms: 3,
    status_code: 200,
    error_class: null,
    error: null,
    kind: 'repo_push',
    test: false,
    request: { method: 'POST', url: 'http://127.0.0.1/x', headers: { 'webhook-id': 'w' }, body: '{"a":\t1}\n', body_bytes: 10, body_truncated: false },
    response: null,
    resent_from: null,
  };
}

test('records kept while MongoDB is down are written once when it returns; a full buffer drops and counts', async () => {
  const dropped: number[] = [];
  const store = new InspectionStore(client.db(t.name), { flushIntervalMs: 60_000, maxBuffered: 300, onDropped: (n) => dropped.push(n) });
  const uuid = randomUUID();
  const ids: string[] = [];
  store.record(rec(uuid), null);
  await store.write();
  assert.equal(store.pending, 0, 'a warm connection');
  await proxy.cut();
  for (let i = 0; i < 350; i++) {
    const r = rec(uuid);
    if (store.record(r, Buffer.from(`job-${i}`))) ids.push(r.delivery_id);
  }
  assert.equal(ids.length, 300);
  assert.equal(dropped.reduce((a, b) => a + b, 0), 50, 'the 50 beyond the bound are counted');
  await store.write();
  assert.equal(store.pending, 300, 'kept after the failed write');
  await proxy.restore();
  await store.write();
  assert.equal(store.pending, 0);
  const direct = new InspectionStore(t.db);
  const stored = await direct.list(uuid, { limit: 500 });
  assert.deepEqual(stored.map((r) => r.delivery_id).sort(), [...ids, stored.find((r) => !ids.includes(r.delivery_id))?.delivery_id].sort(), 'each kept record stored once');
  assert.deepEqual(stored[0]?.request?.body, '{"a":\t1}\n', 'tabs and line breaks in a body round-trip');
  assert.deepEqual((await direct.job(uuid, ids[299]!))?.value, Buffer.from('job-299'));
});
