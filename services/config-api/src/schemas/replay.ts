import { Type } from 'typebox';

const ISO_DATE_TIME = '^\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}(:\\d{2}(\\.\\d{1,9})?)?(Z|[+-]\\d{2}:\\d{2})$';
const instant = (description: string) =>
  Type.String({ pattern: ISO_DATE_TIME, description, example: '2026-12-03T10:00:00Z', 'x-error': 'must be an ISO 8601 date-time with a time zone, e.g. 2026-12-03T10:00:00Z' });

export const ReplayRequest = Type.Object(
  {
    from: instant('Start of the window (inclusive): events appended to the event log at or after it.'),
    to: instant('End of the window (exclusive); not in the future.'),
  },
  { additionalProperties: false, 'x-error': 'must be {from, to}' },
);

export const ReplayStatus = Type.Object(
  {
    id: Type.String({ description: 'The replay’s id; its jobs carry it in the `herald-replayed` header.' }),
    notification_uuid: Type.String(),
    state: Type.Enum(['running', 'done', 'cancelled', 'failed']),
    from: Type.String({ format: 'date-time' }),
    to: Type.String({ format: 'date-time' }),
    scanned: Type.Integer({ description: 'Events of the window read so far.' }),
    matched: Type.Integer({ description: 'Of those, the ones the notification’s current filters let through.' }),
    produced: Type.Integer({ description: 'Jobs queued for delivery (one per matched event, with the original delivery id).' }),
    done: Type.Integer({ description: 'Offsets of the window passed, out of `total`.' }),
    total: Type.Integer({ description: 'Offsets of the event log in the window (transaction markers included).' }),
    requested_by: Type.String(),
    created_at: Type.String({ format: 'date-time' }),
    finished_at: Type.Union([Type.String({ format: 'date-time' }), Type.Null()], { description: 'When it stopped; null while running, and after a cancel until the replay has stopped and its counts are final.' }),
    error: Type.Union([Type.String(), Type.Null()], { description: 'Why a failed replay failed.' }),
  },
  { description: 'The notification’s latest replay.' },
);
