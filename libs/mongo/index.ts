export { createMongoClient, connectDb, isDuplicateKey, mongoCheck } from './client.js';
export { withDocLock } from './doc-lock.js';
export type { MongoOptions } from './client.js';
export type { MongoClient, Db, Collection, Filter, Document, IndexDescription } from 'mongodb';
export { Binary, ObjectId } from 'mongodb';
