import type { Db } from 'mongodb';
import { isDuplicateKey } from './client.js';

const LOCKS_COLLECTION = 'herald_locks';
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

// Holders in this process, so local callers queue here instead of polling the database.
const local = new Map<string, Promise<void>>();

/**
 * Runs `fn` while holding an exclusive lock named `key`, across processes.
 *
 * Why: FerretDB v1 (SQLite) runs `findAndModify` and `update` as a query followed by a separate
 * write, so concurrent read-modify-writes on one document lose updates (50 concurrent `$inc` → 5;
 * FerretDB issue #3040). An insert into a unique `_id` is atomic on FerretDB and MongoDB alike, so
 * the lock is a document; `ttlMs` bounds how long a crashed holder can block others.
 */
export async function withDocLock<T>(db: Db, key: string, fn: () => Promise<T>, ttlMs = 10_000): Promise<T> {
  const previous = local.get(key) ?? Promise.resolve();
  let release!: () => void;
  const mine = new Promise<void>((r) => (release = r));
  const chained = previous.then(() => mine);
  local.set(key, chained);
  await previous;
  const locks = db.collection<{ _id: string; until: Date }>(LOCKS_COLLECTION);
  try {
    for (let attempt = 0; ; attempt++) {
      try {
        await locks.insertOne({ _id: key, until: new Date(Date.now() + ttlMs) });
        break;
      } catch (err) {
        if (!isDuplicateKey(err)) throw err;
        const held = await locks.findOne({ _id: key });
        if (held && held.until.getTime() < Date.now()) await locks.deleteOne({ _id: key, until: held.until });
        await sleep(Math.min(2 + attempt * 2, 50) * (0.5 + Math.random()));
      }
    }
    try {
      return await fn();
    } finally {
      await locks.deleteOne({ _id: key });
    }
  } finally {
    release();
    if (local.get(key) === chained) local.delete(key);
  }
}
