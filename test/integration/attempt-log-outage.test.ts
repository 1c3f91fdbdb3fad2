// The attempt log while MongoDB (FerretDB) is unreachable: the log reaches the shared FerretDB
// through a TCP proxy that the test cuts and restores, so the outage is a real refused connection.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { createServer } from 'node:net';
import { AttemptLog, DELIVERY_ATTEMPTS_COLLECTION, type AttemptRecord } from '@herald/delivery';
import { createMongoClient, type MongoClient } from '@herald/mongo';
import { openTestDb, TEST_MONGO_URL, type TestDb } from '../helpers/mongo.js';
import { TcpProxy } from '../helpers/tcp-proxy.js';
import { eventually } from '../helpers/wait.js';

let t: TestDb;
let proxy: TcpProxy;
let client: MongoClient;

before(async () => {
  t = await openTestDb('attempt_log_outage');
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
function entry(uuid: string): AttemptRecord {
  const i = seq++;
  return {
    notification_uuid: uuid,
    delivery_id: `d-${i}`,
    attempt: 1,
    time: new Date(Date.now() - 60_000 + i),
    outcome: 'success',
    status_code: 200,
    error: null,
    error_class: null,
    duration_ms: 3,
    kind: 'repo_push',
    test: false,
  };
}

/** The log's delivery ids of `uuid` as stored, read directly (not through the proxy). */
async function storedIds(uuid: string): Promise<string[]> {
  return (await new AttemptLog(t.db).list(uuid, { limit: 500 })).map((e) => e.delivery_id).sort();
}

const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0);

test('entries recorded while MongoDB is down are kept, retried with back-off and written when it returns; none dropped', async () => {
  const dropped: number[] = [];
  const log = new AttemptLog(client.db(t.name), { flushIntervalMs: 50, retryInitialMs: 100, retryMaxMs: 400, onDropped: (n) => dropped.push(n) });
  const [a, b] = [randomUUID(), randomUUID()];
  const expected = new Map<string, string[]>([[a, []], [b, []]]);
  const rec = (uuid: string) => {
    const e = entry(uuid);
    expected.get(uuid)?.push(e.delivery_id);
    assert.equal(log.record(e), true);
  };
  for (let i = 0; i < 5; i++) rec(a);
  assert.equal(await log.write(), true, 'written while the database is up');

  await proxy.cut();
  for (let i = 0; i < 450; i++) rec(i % 3 === 0 ? b : a);
  assert.equal(await log.write(), false, 'the write fails: connection refused');
  assert.equal(log.pending, 450, 'every entry is kept');
  assert.equal(sum(dropped), 0);
  assert.equal((await storedIds(a)).length, 5);
  for (let i = 0; i < 30; i++) rec(a); // more while down, behind the failed buckets
  assert.equal(log.pending, 480);

  await proxy.restore();
  await eventually(() => assert.equal(log.pending, 0, 'the back-off retry wrote them'), 20_000);
  for (const [uuid, ids] of expected) assert.deepEqual(await storedIds(uuid), [...ids].sort(), `every entry of ${uuid} stored once`);
  assert.equal(sum(dropped), 0, 'nothing dropped');
  await log.flush();
  assert.equal(sum(dropped), 0);
});

test('a write whose reply is lost is retried without storing its buckets twice', async () => {
  const log = new AttemptLog(client.db(t.name), { flushIntervalMs: 60_000 });
  const uuid = randomUUID();
  log.record(entry(uuid));
  assert.equal(await log.write(), true, 'a warm connection, so the next insert is sent on it');
  const ids = [(await storedIds(uuid))[0] as string];
  for (let i = 0; i < 250; i++) {
    const e = entry(uuid);
    ids.push(e.delivery_id);
    log.record(e);
  }
  proxy.loseReplies();
  assert.equal(await log.write(), false, 'the client saw the write fail');
  assert.equal(log.pending, 250);
  const col = t.db.collection(DELIVERY_ATTEMPTS_COLLECTION);
  assert.equal(await col.countDocuments({ notification_uuid: uuid }), 3, 'yet the insert reached the database (two buckets of the 250)');

  proxy.passReplies();
  await eventually(async () => assert.equal(await log.write(), true), 20_000);
  assert.equal(log.pending, 0);
  assert.equal(await col.countDocuments({ notification_uuid: uuid }), 3, 'the retry stored no second copy');
  assert.deepEqual(await storedIds(uuid), ids.sort());
});

test('with a tiny bound, what does not fit is dropped and counted; the rest is written after the outage', async () => {
  const dropped: number[] = [];
  const log = new AttemptLog(client.db(t.name), { maxBuffered: 100, flushIntervalMs: 50, retryInitialMs: 100, retryMaxMs: 400, onDropped: (n) => dropped.push(n) });
  const uuid = randomUUID();
  await proxy.cut();
  const kept: string[] = [];
  for (let i = 0; i < 150; i++) {
    const e = entry(uuid);
    if (log.record(e)) kept.push(e.delivery_id);
  }
  assert.equal(kept.length, 100);
  assert.equal(sum(dropped), 50, 'the 50 beyond the bound are counted');
  assert.equal(log.full, true);
  let room = false;
  void log.whenNotFull().then(() => (room = true));
  assert.equal(await log.write(), false);
  assert.equal(log.pending, 100);
  assert.equal(room, false, 'still full while the database is down');

  await proxy.restore();
  await eventually(() => assert.equal(log.pending, 0), 20_000);
  assert.equal(room, true, 'back-pressure released once written');
  assert.deepEqual(await storedIds(uuid), kept.sort());
  assert.equal(sum(dropped), 50, 'only those');
});

test('flush() at shutdown tries once more and counts what it cannot write as dropped', async () => {
  // A port nothing listens on: a real connection refusal from the start.
  const port = await new Promise<number>((resolve) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const p = (s.address() as { port: number }).port;
      s.close(() => resolve(p));
    });
  });
  const down = createMongoClient({ url: `mongodb://127.0.0.1:${port}/?retryWrites=false`, serverSelectionTimeoutMs: 300 });
  try {
    const dropped: number[] = [];
    const log = new AttemptLog(down.db(t.name), { flushIntervalMs: 60_000, onDropped: (n) => dropped.push(n) });
    for (let i = 0; i < 40; i++) log.record(entry(randomUUID()));
    assert.equal(await log.write(), false);
    assert.equal(log.pending, 40, 'kept, not dropped, while the log runs');
    assert.equal(sum(dropped), 0);
    await log.flush();
    assert.equal(log.pending, 0);
    assert.equal(sum(dropped), 40);
  } finally {
    await down.close();
  }
});
