// libs/store against FerretDB: e-mail authorizations (codes hashed, superseded, expiring, unique per
// repository and address).
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { AuthorizedEmailStore, InAppStore } from '@herald/store';
import { openTestDb, type TestDb } from '../helpers/mongo.js';

let t: TestDb;
let emails: AuthorizedEmailStore;

before(async () => {
  t = await openTestDb('store');
  emails = new AuthorizedEmailStore(t.db);
  await emails.ensureIndexes();
  await new InAppStore(t.db).ensureIndexes();
});
after(async () => {
  await t?.drop();
});

test('request, confirm, re-request and remove', async () => {
  const { authorization, code } = await emails.request('ns/app', 'A@Example.com');
  assert.deepEqual(authorization, { repository: 'ns/app', email: 'a@example.com', confirmed: false });
  assert.ok(code && Buffer.from(code, 'base64url').length === 32);
  assert.equal(await emails.isConfirmed('ns/app', 'a@example.com'), false);
  assert.deepEqual(await emails.confirm(code, 60_000), { repository: 'ns/app', email: 'a@example.com', confirmed: true });
  assert.equal(await emails.isConfirmed('ns/app', 'A@EXAMPLE.COM'), true);
  assert.equal(await emails.isConfirmed('ns/other', 'a@example.com'), false, 'per repository');
  const again = await emails.request('ns/app', 'a@example.com');
  assert.equal(again.code, undefined, 'confirmed: no new code');
  assert.equal(again.authorization.confirmed, true);
  assert.equal(await emails.remove('ns/app', 'a@example.com'), true);
  assert.equal(await emails.remove('ns/app', 'a@example.com'), false);
  assert.equal(await emails.get('ns/app', 'a@example.com'), null);
});

test('superseded and expired codes do not confirm', async () => {
  const first = await emails.request('ns/app', 'b@example.com', new Date(Date.now() - 10_000));
  const second = await emails.request('ns/app', 'b@example.com');
  assert.equal(await emails.confirm(first.code ?? '', 60_000), null, 'superseded');
  assert.equal(await emails.confirm(second.code ?? '', 1, new Date(Date.now() + 1_000)), null, 'expired');
  assert.equal(await emails.confirm('', 60_000), null);
  assert.ok(await emails.confirm(second.code ?? '', 60_000));
});

test('concurrent requests leave one record', async () => {
  const results = await Promise.all([1, 2, 3, 4].map(() => emails.request('ns/app', 'c@example.com')));
  assert.equal(results.length, 4);
  assert.equal(await emails.col.countDocuments({ repository: 'ns/app', email: 'c@example.com' }), 1);
  await assert.rejects(
    emails.col.insertOne({ repository: 'ns/app', email: 'c@example.com', confirmed: false, code_hash: null, requested_at: new Date(), confirmed_at: null }),
    (err: { code?: number }) => err.code === 11000,
  );
});
