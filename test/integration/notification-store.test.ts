import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { createMongoClient, connectDb } from '@herald/mongo';
import { NotificationStore } from '@herald/subscriptions';
import { openTestDb, TEST_MONGO_URL, type TestDb } from '../helpers/mongo.js';

let t: TestDb;
before(async () => {
  t = await openTestDb('store');
});
after(() => t.drop());

test('concurrent failures from two replicas: counted exactly, disabled exactly once', async () => {
  const other = createMongoClient({ url: TEST_MONGO_URL });
  const a = new NotificationStore(t.db);
  const b = new NotificationStore(await connectDb(other, t.name));
  try {
    await a.ensureIndexes();
    const doc = await a.insert({ uuid: randomUUID(), repository: 'ns/app', event: 'repo_push', method: 'webhook', config: {}, event_config: {}, title: null, signing_secret: 'whsec_x', created_by: 'alice' });
    const outcomes = await Promise.all(Array.from({ length: 20 }, (_, i) => (i % 2 ? a : b).recordFailure(doc.uuid, 3, 'failing', `delivery-${i}`)));
    assert.equal(outcomes.filter((o) => o?.justDisabled).length, 1, 'exactly one caller disables');
    const after = await a.get(doc.uuid);
    assert.equal(after?.number_of_failures, 20);
    assert.equal(after?.disabled, true);
    // 1 (insert) + 20 counted failures (the third also disables): no version increment lost.
    assert.equal(after?.version, 21);
    const reset = await b.reset(doc.uuid);
    assert.equal(reset?.number_of_failures, 0);
    assert.equal(reset?.disabled, false);
    assert.equal(reset?.version, 22);
  } finally {
    await other.close();
  }
});

test('a failure recorded again (re-processed after a crash) is counted once, also when two replicas race', async () => {
  const other = createMongoClient({ url: TEST_MONGO_URL });
  const a = new NotificationStore(t.db);
  const b = new NotificationStore(await connectDb(other, t.name));
  try {
    const doc = await a.insert({ uuid: randomUUID(), repository: 'ns/app', event: 'repo_push', method: 'webhook', config: {}, event_config: {}, title: null, signing_secret: 'whsec_x', created_by: 'alice' });
    const first = await a.recordFailure(doc.uuid, 3, 'failing', 'd-1');
    assert.deepEqual([first?.notification.number_of_failures, first?.repeated], [1, false]);
    const again = await Promise.all([a.recordFailure(doc.uuid, 3, 'failing', 'd-1'), b.recordFailure(doc.uuid, 3, 'failing', 'd-1')]);
    assert.deepEqual(again.map((o) => [o?.notification.number_of_failures, o?.repeated, o?.justDisabled]), [[1, true, false], [1, true, false]]);
    await a.recordFailure(doc.uuid, 3, 'failing', 'd-2');
    const racing = await Promise.all([a.recordFailure(doc.uuid, 3, 'failing', 'd-3'), b.recordFailure(doc.uuid, 3, 'failing', 'd-3')]);
    assert.equal(racing.filter((o) => o?.justDisabled).length, 1, 'the third failure disables, once');
    assert.equal(racing.filter((o) => o?.repeated).length, 1);
    const disabled = await a.get(doc.uuid);
    assert.deepEqual([disabled?.number_of_failures, disabled?.disabled, disabled?.disabled_by], [3, true, 'd-3']);
    assert.equal(await a.recordFailure(randomUUID(), 3, 'failing', 'd-1'), null, 'a deleted notification');
    // Only the latest 20 delivery ids are remembered.
    for (let i = 0; i < 25; i++) await a.recordFailure(doc.uuid, 3, 'failing', `x-${i}`);
    const kept = (await a.get(doc.uuid))?.counted_failures ?? [];
    assert.deepEqual([kept.length, kept[0], kept.at(-1)], [20, 'x-5', 'x-24']);
    assert.equal((await a.reset(doc.uuid))?.disabled_by, null);
  } finally {
    await other.close();
  }
});

const newNotification = (repository: string) => ({ uuid: randomUUID(), repository, event: 'repo_push', method: 'webhook' as const, config: { url: 'https://example.com/hook' }, event_config: {}, title: null, signing_secret: 'whsec_x', created_by: 'alice' });

test('a notification is stored under its uuid, so FerretDB looks it up by key instead of scanning', async () => {
  const store = new NotificationStore(t.db);
  await store.ensureIndexes();
  const doc = await store.insert(newNotification('ns/keyed'));
  const raw = await t.db.collection('notifications').findOne({ uuid: doc.uuid });
  assert.equal(raw?.['_id'], doc.uuid);
  // FerretDB v1 reports whether it pushed the filter down to its storage (MongoDB reports an index scan).
  const plan = JSON.stringify(await store.col.find({ _id: doc.uuid }).explain());
  assert.ok(/"filterPushdown":true/.test(plan) || /IDHACK|IXSCAN|EXPRESS/.test(plan), plan.slice(0, 400));
  assert.equal((await store.get(doc.uuid))?.repository, 'ns/keyed');
  await assert.rejects(store.insert({ ...newNotification('ns/keyed'), uuid: doc.uuid }), (err: { code?: number }) => err.code === 11000, 'a uuid is unique');
});

test('notifications stored before the uuid became the key are re-keyed once, nothing lost, also after an interrupted run', async () => {
  const name = `${t.name}_legacy`;
  const client = createMongoClient({ url: TEST_MONGO_URL });
  const db = await connectDb(client, name);
  try {
    const col = db.collection('notifications');
    // The old layout: generated ObjectIds and a unique index on `uuid`.
    await col.createIndex({ uuid: 1 }, { unique: true, name: 'uuid_unique' });
    const legacy = Array.from({ length: 5 }, (_, i) => ({ ...newNotification(`ns/legacy-${i}`), number_of_failures: i, disabled: false, disabled_reason: null, created_at: new Date(), updated_at: new Date(), version: 1 }));
    await col.insertMany(legacy.map((d) => ({ ...d })));
    const store = new NotificationStore(db);
    // An earlier run copied the first one, then stopped before removing the old copy.
    await col.dropIndex('uuid_unique');
    await col.insertOne({ ...legacy[0], _id: legacy[0]?.uuid } as never);
    await store.ensureIndexes();
    assert.equal(await col.countDocuments({}), 5, 'one document per notification');
    for (const d of legacy) {
      const raw = await col.findOne({ uuid: d.uuid });
      assert.equal(raw?.['_id'], d.uuid);
      assert.equal((await store.get(d.uuid))?.number_of_failures, d.number_of_failures, 'fields kept');
    }
    assert.ok(!(await col.indexes()).some((i) => i.name === 'uuid_unique'), 'the uuid index is gone: _id is unique');
    assert.equal(await store.rekeyLegacy(), 0, 'a second run has nothing to do');
    // Two services starting at once on an old database.
    await col.deleteMany({});
    await col.insertMany(legacy.map((d) => ({ ...d })));
    const [x, y] = await Promise.all([new NotificationStore(db).rekeyLegacy(), new NotificationStore(db).rekeyLegacy()]);
    assert.ok(x + y >= 5);
    assert.equal(await col.countDocuments({}), 5);
    assert.equal(await col.countDocuments({ _id: { $type: 'objectId' } } as never), 0);
  } finally {
    await db.dropDatabase();
    await client.close();
  }
});
