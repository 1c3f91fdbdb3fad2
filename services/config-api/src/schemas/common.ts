import { Type, type TSchema } from 'typebox';
import { ERROR_TYPES } from '../http/error-handler.js';

/** Quay's error body plus Herald's `error` and `field`; every 4xx/5xx of the API. Shared as `Error`. */
export const ErrorBody = Type.Object(
  {
    detail: Type.String({ description: 'What is wrong.' }),
    error_message: Type.String({ description: 'The same text (Quay keeps both names).' }),
    error_type: Type.Enum(Object.keys(ERROR_TYPES)),
    title: Type.String({ description: 'The same as `error_type`.' }),
    type: Type.String({ format: 'uri', description: 'Link to `GET /api/v1/error/{error_type}`.' }),
    status: Type.Integer(),
    error: Type.String({ description: "The same text, Herald's earlier name." }),
    field: Type.Optional(Type.String({ description: 'The offending request field, e.g. `config.url` (400 only).' })),
  },
  {
    $id: 'Error',
    description: "Quay's API error body (`detail`, `error_message`, `error_type`, `title`, `type`, `status`) plus Herald's `error` and `field`.",
  },
);

/** A response of the shared error body, with what it means on this route. */
export const err = (description: string): TSchema => ({ $ref: 'Error#', description }) as unknown as TSchema;

/** A response without a body. */
export const noContent = (description: string): TSchema => ({ type: 'null', description }) as unknown as TSchema;

export const MAX_REPOSITORY_LENGTH = 255;
// Docker distribution's path component: lowercase alphanumerics joined by `.`, `_`, `__` or dashes.
const COMPONENT = '[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*';

export const RepositoryName = Type.String({
  maxLength: MAX_REPOSITORY_LENGTH,
  pattern: `^${COMPONENT}(?:/${COMPONENT})+$`,
  description: 'The full repository path, `namespace/name` (more `/` segments allowed); send the `/` literally or as %2F',
  example: 'acme/app',
  'x-error': 'must be namespace/name (lowercase letters, digits and . _ - separators; more / segments allowed)',
});

export const RepositoryParams = Type.Object({ repository: RepositoryName });
export const NotificationParams = Type.Object({ repository: RepositoryName, uuid: Type.String({ description: 'The notification’s uuid' }) });
export const EmailParams = Type.Object({ repository: RepositoryName, email: Type.String({ format: 'email' }) });

/** A namespace (organization or user): the first component of a repository name, validated the same way. */
export const NamespaceName = Type.String({
  maxLength: MAX_REPOSITORY_LENGTH,
  pattern: `^${COMPONENT}$`,
  description: 'The namespace (organization or user), the first component of its repositories’ names',
  example: 'acme',
  'x-error': 'must be a namespace name (lowercase letters, digits and . _ - separators; no /)',
});
export const NamespaceParams = Type.Object({ namespace: NamespaceName });
const NotificationUuid = Type.String({ description: 'The notification’s uuid' });
export const NamespaceNotificationParams = Type.Object({ namespace: NamespaceName, uuid: NotificationUuid });
export const UuidParams = Type.Object({ uuid: NotificationUuid });

/** Responses every repository-admin route can give. */
export const ADMIN_ERRORS = {
  400: err('Invalid repository name or request; `field` names what is wrong'),
  401: err('No, invalid or expired bearer token (with `WWW-Authenticate: Bearer`)'),
  403: err('The caller is not an admin of the repository'),
  405: err('The path exists for other methods (`Allow` names them)'),
};
/** Responses every namespace-admin route can give. */
export const NAMESPACE_ADMIN_ERRORS = {
  400: err('Invalid namespace name or request; `field` names what is wrong'),
  401: err('No, invalid or expired bearer token (with `WWW-Authenticate: Bearer`)'),
  403: err('The caller is not an admin of the namespace (an admin grant on `{namespace}/*`)'),
  405: err('The path exists for other methods (`Allow` names them)'),
};
/** Responses every superuser route can give. */
export const SUPERUSER_ERRORS = {
  400: err('Invalid request; `field` names what is wrong'),
  401: err('No, invalid or expired bearer token (with `WWW-Authenticate: Bearer`)'),
  403: err('The caller is not the superuser (`AUTH_SUPERUSER`)'),
  405: err('The path exists for other methods (`Allow` names them)'),
};
export const TOKEN_ERRORS = { 401: err('No, invalid or expired bearer token') };
export const BEARER = [{ bearerAuth: [] }];

export const ErrorDescription = Type.Object({ type: Type.String(), title: Type.String(), description: Type.String() });

export const AuthorizedEmail = Type.Object(
  {
    email: Type.String(),
    repository: Type.String({ description: 'The repository name without the namespace, as Quay has it.' }),
    namespace: Type.String(),
    confirmed: Type.Boolean(),
  },
  { description: "Quay's shape without `code` (the confirmation code is only ever in the mail)." },
);

const InAppTarget = Type.Object({ kind: Type.Enum(['user', 'team', 'org']), name: Type.String() });

export const InAppNotification = Type.Object({
  id: Type.String(),
  uuid: Type.String(),
  kind: Type.String(),
  created: Type.String({ description: 'RFC 2822, as Quay (`Thu, 03 Dec 2026 10:00:00 -0000`).' }),
  metadata: Type.Object({}, { description: 'The event data.', additionalProperties: true }),
  dismissed: Type.Boolean(),
  organization: Type.Union([Type.String(), Type.Null()]),
  repository: Type.String(),
  target: InAppTarget,
});

export const InAppNotificationList = Type.Object({
  notifications: Type.Array(InAppNotification),
  page: Type.Integer(),
  has_additional: Type.Boolean(),
  additional: Type.Boolean({ description: "Quay's name for has_additional." }),
});

export const DismissRequest = Type.Object(
  { dismissed: Type.Boolean({ 'x-error': 'is required and must be a boolean' }) },
  { 'x-error': 'is required and must be a boolean', 'x-field': 'dismissed' },
);

export const Health = Type.Object({ status: Type.String(), state: Type.String(), reason: Type.Optional(Type.String()) });

export const Readiness = Type.Object({
  status: Type.String(),
  state: Type.String(),
  reason: Type.Optional(Type.String()),
  checks: Type.Record(Type.String(), Type.Boolean()),
  recent_refs: Type.Object(
    {
      state: Type.Enum(['idle', 'joining', 'running', 'retrying', 'restarting', 'failed', 'stopped']),
      reason: Type.Optional(Type.String()),
    },
    { description: 'The consumer behind the ref-regex preview; never a reason to be unready' },
  ),
});

export const RecentRefs = Type.Object({
  refs: Type.Array(
    Type.Object({
      ref: Type.String({ example: 'refs/heads/main' }),
      last_seen: Type.String({ description: 'RFC 2822, as Quay’s dates: when the newest build with this ref happened' }),
    }),
    { description: 'Distinct trigger refs of the repository’s recent build events, newest first (at most RECENT_REFS_LIMIT)' },
  ),
});

export const Html = Type.String({ description: 'An HTML page' });
