import { ValidationError } from '@herald/errors';
import { ObjectId } from '@herald/mongo';

/** Where a page of the audit log ends: the last entry's time and id (entries sort by both, newest first). */
export interface AuditPosition {
  at: Date;
  id: ObjectId;
}

const SHAPE = /^(\d{1,15})\.([0-9a-f]{24})$/;

/** The opaque `next_cursor` of a page ending at `p`. */
export function encodeAuditCursor(p: AuditPosition): string {
  return Buffer.from(`${p.at.getTime()}.${p.id.toHexString()}`, 'utf8').toString('base64url');
}

/** The position a cursor names; a ValidationError naming `cursor` for anything this API did not return. */
export function decodeAuditCursor(cursor: string): AuditPosition {
  const m = cursor.length <= 64 && /^[A-Za-z0-9_-]+$/.test(cursor) ? SHAPE.exec(Buffer.from(cursor, 'base64url').toString('utf8')) : null;
  if (!m) throw new ValidationError('cursor', 'is not a cursor this API returned');
  return { at: new Date(Number(m[1])), id: ObjectId.createFromHexString(m[2] ?? '') };
}

/** The filter for entries after `p` in newest-first order (older, or as old with a smaller id). */
export function afterPosition(p: AuditPosition): Record<string, unknown> {
  return { $or: [{ at: { $lt: p.at } }, { at: p.at, _id: { $lt: p.id } }] };
}
