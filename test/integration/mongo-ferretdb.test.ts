import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { connectDb, createMongoClient, isDuplicateKey, withDocLock, type Db } from '@herald/mongo';
import { openTestDb, TEST_MONGO_URL, type TestDb } from '../helpers/mongo.js';

// The Mongo layer must work on FerretDB v1 (SQLite) as on MongoDB: indexes and atomic updates.
let t: TestDb;
before(async () => {
  t = await openTestDb('mongo');
});
after(() => t.drop());

test('a unique compound index rejects a duplicate', async () => {
  const col = t.db.collection('authorized');
  await col.createIndex({ repository: 1, email: 1 }, { unique: true });
  await col.insertOne({ repository: 'ns/app', email: 'a@example.com' });
  await col.insertOne({ repository: 'ns/other', email: 'a@example.com' });
  await assert.rejects(col.insertOne({ repository: 'ns/app', email: 'a@example.com' }), (err: unknown) => isDuplicateKey(err));
  assert.equal(await col.countDocuments({}), 2);
});

test('findOneAndUpdate with $inc under withDocLock is correct for 50 concurrent increments from two clients', async () => {
  // Two clients = two connection pools, as two service replicas would have.
  const other = createMongoClient({ url: TEST_MONGO_URL });
  const db2: Db = await connectDb(other, t.name);
  try {
    const col1 = t.db.collection<{ key: string; n: number }>('counters');
    const col2 = db2.collection<{ key: string; n: number }>('counters');
    await col1.insertOne({ key: 'c', n: 0 });
    const results = await Promise.all(
      Array.from({ length: 50 }, (_, i) => {
        const [db, col] = i % 2 === 0 ? [t.db, col1] : [db2, col2];
        return withDocLock(db, 'counter:c', () => col.findOneAndUpdate({ key: 'c' }, { $inc: { n: 1 } }, { returnDocument: 'after' }));
      }),
    );
    const seen = results.map((r) => r?.n ?? 0).sort((a, b) => a - b);
    // Every increment observed a distinct value 1..50, and the final count is 50.
    assert.deepEqual(seen, Array.from({ length: 50 }, (_, i) => i + 1));
    assert.equal((await col1.findOne({ key: 'c' }))?.n, 50);
  } finally {
    await other.close();
  }
});
