import { Type } from 'typebox';
import { AUDIT_ACTIONS, AUDIT_OUTCOMES, MAX_AUDIT_PAGE } from '@herald/store';

export const DEFAULT_AUDIT_PAGE = 50;

export const AuditQuery = Type.Object({
  limit: Type.Optional(
    Type.String({
      pattern: '^0*([1-9][0-9]?|1[0-9][0-9]|200)$', // 1 to MAX_AUDIT_PAGE
      description: `Entries per page, 1 to ${MAX_AUDIT_PAGE} (default ${DEFAULT_AUDIT_PAGE})`,
      'x-error': `must be an integer from 1 to ${MAX_AUDIT_PAGE}`,
    }),
  ),
  cursor: Type.Optional(Type.String({ maxLength: 64, description: 'The `next_cursor` of the previous page', 'x-error': 'must be the next_cursor of a previous page' })),
});

const AuditChange = Type.Object({
  field: Type.String({ description: '`title`, `config.<key>`, `event_config.<key>` (the filters), `event`, `method` or `signing_secret`', example: 'config.url' }),
  before: Type.Optional(Type.Unknown({ description: 'Absent: not set before. Config secrets are masked as in listings.' })),
  after: Type.Optional(Type.Unknown({ description: 'Absent: not set after. `signing_secret` is only ever `generated` or `rotated`.' })),
});

export const AuditEntry = Type.Object({
  id: Type.String(),
  at: Type.String({ format: 'date-time', description: 'When the action was requested (ISO 8601)' }),
  actor: Type.String({ description: "The token's subject; `email:<address>` for a confirmation through the mailed link (no token)" }),
  action: Type.Enum([...AUDIT_ACTIONS], {
    description: 'reset is the re-enable (POST on the notification); resend is one delivery sent again, replay and replay_cancel start and cancel a replay of a time window; email_* are authorization changes: request (mail sent), confirm (link followed), withdraw',
  }),
  scope: Type.Object({
    kind: Type.Enum(['repository', 'namespace', 'registry']),
    repository: Type.Optional(Type.String({ description: 'Repository scope: `ns/name`' })),
    namespace: Type.Optional(Type.String({ description: "Repository and namespace scope: the namespace" })),
  }),
  notification_uuid: Type.Optional(Type.String()),
  email: Type.Optional(Type.String({ description: 'The address of an authorization change' })),
  changes: Type.Optional(Type.Array(AuditChange, { description: 'Field by field: all fields for create (after) and delete (before), the changed ones for update' })),
  outcome: Type.Enum([...AUDIT_OUTCOMES], {
    description: 'pending: recorded before the action, result not (yet) recorded — still running, or the service lost MongoDB or stopped in between',
  }),
  status: Type.Optional(Type.Integer({ description: 'The HTTP status of a failed action' })),
  detail: Type.Optional(Type.Record(Type.String(), Type.Union([Type.String(), Type.Number()]), { description: "A small result: a test's delivery_id, a re-drive's counts" })),
});

export const AuditPage = Type.Object({
  entries: Type.Array(AuditEntry, { description: 'Newest first' }),
  next_cursor: Type.Union([Type.String(), Type.Null()], { description: 'The `cursor` of the next (older) page; null on the last page' }),
});
