import { randomBytes } from 'node:crypto';
import { stackAddresses } from '@herald/config';
import { connectDb, createMongoClient, type Db, type MongoClient } from '@herald/mongo';

/** The local stack's MongoDB (FerretDB, on MONGO_PORT) unless MONGO_URL says otherwise. */
export const TEST_MONGO_URL = stackAddresses().mongoUrl;

/** A unique database name for one test file: `herald_test_<prefix>_<random>`. */
export function testDbName(prefix = 'db'): string {
  return `herald_test_${prefix.replace(/[^a-z0-9]/gi, '_')}_${randomBytes(4).toString('hex')}`;
}

export interface TestDb {
  name: string;
  client: MongoClient;
  db: Db;
  /** Drops the database and closes the client. */
  drop(): Promise<void>;
}

/** Connects to a fresh, uniquely named database; call `drop()` after the tests. */
export async function openTestDb(prefix?: string, name = testDbName(prefix)): Promise<TestDb> {
  const client = createMongoClient({ url: TEST_MONGO_URL });
  const db = await connectDb(client, name);
  return {
    name,
    client,
    db,
    async drop() {
      try {
        await db.dropDatabase();
      } finally {
        await client.close();
      }
    },
  };
}
