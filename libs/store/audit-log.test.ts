import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ValidationError } from '@herald/errors';
import { ObjectId } from '@herald/mongo';
import { afterPosition, decodeAuditCursor, encodeAuditCursor } from './audit-cursor.js';
import { auditQueryKeys } from './audit-log.js';

test('a cursor round-trips the position it was made from and is opaque', () => {
  const p = { at: new Date('2026-12-03T10:00:00.123Z'), id: new ObjectId() };
  const c = encodeAuditCursor(p);
  assert.match(c, /^[A-Za-z0-9_-]+$/);
  assert.ok(!c.includes(p.id.toHexString()), 'not the id in clear');
  const back = decodeAuditCursor(c);
  assert.equal(back.at.getTime(), p.at.getTime());
  assert.ok(back.id.equals(p.id));
});

test('anything but a returned cursor is a 400 naming cursor', () => {
  const notOurs = [
    '',
    'abc',
    Buffer.from('12.zz').toString('base64url'),
    Buffer.from(`1.${'a'.repeat(23)}`).toString('base64url'),
    Buffer.from(`-1.${'a'.repeat(24)}`).toString('base64url'),
    `${encodeAuditCursor({ at: new Date(0), id: new ObjectId() })}=`,
    'x'.repeat(65),
  ];
  for (const c of notOurs) {
    assert.throws(() => decodeAuditCursor(c), (e: unknown) => e instanceof ValidationError && e.field === 'cursor', JSON.stringify(c));
  }
});

test('the page after a position: older, or as old with a smaller id', () => {
  const p = { at: new Date(1000), id: new ObjectId() };
  assert.deepEqual(afterPosition(p), { $or: [{ at: { $lt: p.at } }, { at: p.at, _id: { $lt: p.id } }] });
});

test('entries are kept under their repository and namespace; registry entries under neither', () => {
  assert.deepEqual(auditQueryKeys({ kind: 'repository', repository: 'acme/app' }), { repository: 'acme/app', namespace: 'acme' });
  assert.deepEqual(auditQueryKeys({ kind: 'repository', repository: 'acme/team/app' }), { repository: 'acme/team/app', namespace: 'acme' });
  assert.deepEqual(auditQueryKeys({ kind: 'namespace', namespace: 'acme' }), { repository: null, namespace: 'acme' });
  assert.deepEqual(auditQueryKeys({ kind: 'registry' }), { repository: null, namespace: null });
});
