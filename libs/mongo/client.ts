import './mongodb-patches.js';
import { MongoClient, type Db } from 'mongodb';

export interface MongoOptions {
  url: string;
  /** Server selection timeout; keep short so a missing database fails fast with a clear error. */
  serverSelectionTimeoutMs?: number;
  maxPoolSize?: number;
}

/**
 * Creates a MongoDB client that works against both FerretDB v1 and MongoDB. Constructing does not
 * connect; call `connect()`. Retryable writes follow the connection string: on by default (the
 * driver's default, right for MongoDB replica sets), off where the URI says `retryWrites=false`, as
 * the local stack's FerretDB v1 URI does (it has no sessions for them).
 */
export function createMongoClient(opts: MongoOptions): MongoClient {
  return new MongoClient(opts.url, {
    serverSelectionTimeoutMS: opts.serverSelectionTimeoutMs ?? 5_000,
    maxPoolSize: opts.maxPoolSize ?? 20,
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

/** A readiness check for MongoDB: a ping through the service's own client (its pool and selection). */
export function mongoCheck(client: MongoClient): { name: 'mongodb'; check(): Promise<unknown> } {
  return { name: 'mongodb', check: () => client.db('admin').command({ ping: 1 }) };
}
