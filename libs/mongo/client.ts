import { MongoClient, type Db } from 'mongodb';

export interface MongoOptions {
  url: string;
  /** Server selection timeout; keep short so a missing database fails fast with a clear error. */
  serverSelectionTimeoutMs?: number;
  maxPoolSize?: number;
}

/**
 * Creates a MongoDB client that works against both FerretDB v1 and MongoDB. Constructing does not
 * connect; call `connect()`. Retryable writes are off because FerretDB v1 has no sessions for them.
 */
export function createMongoClient(opts: MongoOptions): MongoClient {
  return new MongoClient(opts.url, {
    serverSelectionTimeoutMS: opts.serverSelectionTimeoutMs ?? 5_000,
    maxPoolSize: opts.maxPoolSize ?? 20,
    retryWrites: false,
    appName: 'herald',
  });
}

/** Connects and returns the database, verifying with a ping. */
export async function connectDb(client: MongoClient, dbName: string): Promise<Db> {
  await client.connect();
  const db = client.db(dbName);
  await db.command({ ping: 1 });
  return db;
}

/** True for a duplicate-key error (unique index violation), on MongoDB and FerretDB. */
export function isDuplicateKey(err: unknown): boolean {
  return typeof err === 'object' && err !== null && (err as { code?: unknown }).code === 11000;
}
