import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { NotificationLookup } from '@herald/delivery';
import { NotificationStore, type Subscription } from '@herald/subscriptions';
import { openTestDb, type TestDb } from '../helpers/mongo.js';

// The delivery runtime asks the lookup twice per job (when it is fetched and again before the
// attempt): the answer without I/O (resolveKnown) must only ever say "active" when MongoDB would.
let t: TestDb;
let store: NotificationStore;
before(async () => {
  t = await openTestDb('lookup');
  store = new NotificationStore(t.db);
  await store.ensureIndexes();
});
after(() => t.drop());

const newDoc = () => ({ uuid: randomUUID(), repository: 'ns/app', event: 'repo_push', method: 'webhook' as const, config: { url: 'https://example.test/hook' }, event_config: {}, title: null, signing_secret: 'whsec_x', created_by: 'alice' });

test('resolveKnown answers active only from a current cached document that is enabled', async () => {
  const view = new Map<string, Subscription>();
  const lookup = new NotificationLookup({ get: (uuid) => view.get(uuid) }, store);
  const doc = await store.insert(newDoc());
  assert.equal(lookup.resolveKnown(doc.uuid), undefined, 'nothing cached yet: MongoDB decides');
  assert.equal((await lookup.resolve(doc.uuid)).state, 'active');
  const known = lookup.resolveKnown(doc.uuid);
  assert.equal(known?.state, 'active');
  assert.equal(known?.state === 'active' && known.doc.uuid, doc.uuid);

  // The view (the change feed) says disabled: no answer without MongoDB.
  view.set(doc.uuid, { disabled: true } as Subscription);
  assert.equal(lookup.resolveKnown(doc.uuid), undefined);
  view.delete(doc.uuid);

  // Disabled in MongoDB, the feed's change invalidates: resolve sees it, resolveKnown does not guess.
  await store.disable(doc.uuid, 'by an admin');
  lookup.invalidate(doc.uuid);
  assert.equal(lookup.resolveKnown(doc.uuid), undefined);
  assert.equal((await lookup.resolve(doc.uuid)).state, 'disabled');
  assert.equal(lookup.resolveKnown(doc.uuid), undefined, 'a cached disabled document is not "known active"');

  // Deleted: nothing known either.
  await store.delete(doc.uuid);
  lookup.invalidate(doc.uuid);
  assert.equal((await lookup.resolve(doc.uuid)).state, 'deleted');
  assert.equal(lookup.resolveKnown(doc.uuid), undefined);
});

test('a cached document stops being known once its time to live has passed', async () => {
  const lookup = new NotificationLookup({ get: () => undefined }, store, { ttlMs: 50 });
  const doc = await store.insert(newDoc());
  await lookup.resolve(doc.uuid);
  assert.equal(lookup.resolveKnown(doc.uuid)?.state, 'active');
  await new Promise((r) => setTimeout(r, 80));
  assert.equal(lookup.resolveKnown(doc.uuid), undefined);
});
