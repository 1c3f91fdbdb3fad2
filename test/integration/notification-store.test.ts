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
