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
    const outcomes = await Promise.all(Array.from({ length: 20 }, (_, i) => (i % 2 ? a : b).recordFailure(doc.uuid, 3, 'failing')));
    assert.equal(outcomes.filter((o) => o?.justDisabled).length, 1, 'exactly one caller disables');
    const after = await a.get(doc.uuid);
    assert.equal(after?.number_of_failures, 20);
    assert.equal(after?.disabled, true);
    // 1 (insert) + 20 increments + 1 disable: no version increment lost.
    assert.equal(after?.version, 22);
    const reset = await b.reset(doc.uuid);
    assert.equal(reset?.number_of_failures, 0);
    assert.equal(reset?.disabled, false);
    assert.equal(reset?.version, 23);
  } finally {
    await other.close();
  }
});
