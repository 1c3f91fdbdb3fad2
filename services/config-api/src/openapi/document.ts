import { schemas } from './schemas.js';

type Json = Record<string, unknown>;

const ref = (name: string): Json => ({ $ref: `#/components/schemas/${name}` });
const json = (schema: Json, description: string): Json => ({ description, content: { 'application/json': { schema } } });
const err = (description: string): Json => json(ref('Error'), description);
const noContent = (description: string): Json => ({ description });

const REPO_PARAMS = [
  { name: 'namespace', in: 'path', required: true, schema: { type: 'string', pattern: '^[a-z0-9]+(?:[._-][a-z0-9]+)*$' }, example: 'acme' },
  {
    name: 'repository',
    in: 'path',
    required: true,
    description: 'Repository name within the namespace; may itself contain `/` (send it literally or as %2F).',
    schema: { type: 'string' },
    example: 'app',
  },
];
const UUID_PARAM = { name: 'uuid', in: 'path', required: true, schema: { type: 'string' } };
const EMAIL_PARAM = { name: 'email', in: 'path', required: true, schema: { type: 'string', format: 'email' } };

/** Responses every repository-admin route can give. */
const ADMIN_ERRORS = {
  '400': err('Invalid repository name or request; `field` names what is wrong'),
  '401': err('No, invalid or expired bearer token (with `WWW-Authenticate: Bearer`)'),
  '403': err('The caller is not an admin of the repository'),
};
const TOKEN_ERRORS = { '401': err('No, invalid or expired bearer token') };

const adminOp = (summary: string, responses: Json, extra: Json = {}): Json => ({
  summary,
  security: [{ bearerAuth: [] }],
  responses: { ...responses, ...ADMIN_ERRORS },
  ...extra,
});

const NOTIF = '/api/v1/repository/{namespace}/{repository}/notification';

/** The OpenAPI 3 document of the whole API (served at `/openapi.json`). */
export function openApiDocument(serverUrl?: string): Json {
  return {
    openapi: '3.0.3',
    info: {
      title: 'Herald configuration API',
      version: '0.1.0',
      description:
        "Quay-compatible repository notifications. Requests use `eventConfig`, responses `event_config`. Every `/api/v1/repository/…` route needs admin permission on that repository.",
    },
    ...(serverUrl ? { servers: [{ url: serverUrl }] } : {}),
    components: {
      securitySchemes: { bearerAuth: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' } },
      schemas,
    },
    paths: {
      '/healthz': { get: { summary: 'Liveness', responses: { '200': json(ref('Health'), 'Alive'), '503': json(ref('Health'), 'Failed: the process exits to be restarted') } } },
      '/readyz': {
        get: {
          summary: 'Readiness: started, and MongoDB and Kafka answer',
          responses: { '200': json(ref('Readiness'), 'Ready'), '503': json(ref('Readiness'), 'Not ready') },
        },
      },
      '/openapi.json': { get: { summary: 'This document', responses: { '200': { description: 'OpenAPI 3 document' } } } },
      '/authrepoemail': {
        get: {
          summary: 'The link of the confirmation mail: a page showing what would be confirmed, with a button (opening it confirms nothing)',
          parameters: [{ name: 'code', in: 'query', required: true, schema: { type: 'string' } }],
          responses: {
            '200': { description: 'The confirmation page (HTML), or "already confirmed"', content: { 'text/html': { schema: { type: 'string' } } } },
            '400': { description: 'No code (HTML page)', content: { 'text/html': { schema: { type: 'string' } } } },
            '404': { description: 'Unknown, replaced or expired code (HTML page)', content: { 'text/html': { schema: { type: 'string' } } } },
          },
        },
        post: {
          summary: "The page's button: confirms the authorization",
          requestBody: {
            required: true,
            content: { 'application/x-www-form-urlencoded': { schema: { type: 'object', required: ['code'], properties: { code: { type: 'string' } } } } },
          },
          responses: {
            '200': { description: 'Confirmed (HTML page)', content: { 'text/html': { schema: { type: 'string' } } } },
            '400': { description: 'No code (HTML page)', content: { 'text/html': { schema: { type: 'string' } } } },
            '404': { description: 'Unknown, replaced or expired code (HTML page)', content: { 'text/html': { schema: { type: 'string' } } } },
          },
        },
      },
      [`${NOTIF}/`]: {
        parameters: REPO_PARAMS,
        get: adminOp('List the repository’s notifications (secrets masked)', { '200': json(ref('NotificationList'), 'The notifications') }),
        post: adminOp(
          'Create a notification',
          { '201': json(ref('Notification'), 'Created; the only response that carries `signing_secret`') },
          { requestBody: { required: true, content: { 'application/json': { schema: ref('NotificationCreateRequest') } } } },
        ),
      },
      [`${NOTIF}/{uuid}`]: {
        parameters: [...REPO_PARAMS, UUID_PARAM],
        get: adminOp('One notification (config unmasked, never the signing secret)', {
          '200': json(ref('Notification'), 'The notification'),
          '404': err('No such notification in this repository'),
        }),
        delete: adminOp('Delete a notification', { '204': noContent('Deleted'), '404': err('No such notification in this repository') }),
        post: adminOp('Reset `number_of_failures` to 0 and re-enable', {
          '204': noContent('Reset'),
          '404': err('No such notification in this repository'),
        }),
      },
      [`${NOTIF}/{uuid}/test`]: {
        parameters: [...REPO_PARAMS, UUID_PARAM],
        post: adminOp('Deliver the event kind’s sample data to this notification through the pipeline', {
          '200': {
            ...json(ref('TestResult'), 'Queued: `{}` as in Quay'),
            headers: { 'X-Herald-Delivery-Id': { description: 'The delivery id (the `webhook-id` the receiver sees)', schema: { type: 'string' } } },
          },
          '404': err('No such notification in this repository'),
        }),
      },
      [`${NOTIF}/{uuid}/attempts`]: {
        parameters: [...REPO_PARAMS, UUID_PARAM],
        get: adminOp('The attempt log: every delivery attempt (time, outcome, status code or error, duration), newest first', {
          '200': json({ type: 'object', properties: { attempts: { type: 'array', items: { type: 'object' } } }, required: ['attempts'] }, 'Attempts'),
          '404': err('No such notification in this repository'),
        }),
      },
      [`${NOTIF}/{uuid}/redrive`]: {
        parameters: [...REPO_PARAMS, UUID_PARAM],
        post: adminOp('Re-drive the dead-lettered deliveries of this notification (each at most once)', {
          '200': json(
            { type: 'object', properties: { found: { type: 'integer' }, redriven: { type: 'integer' }, already_redriven: { type: 'integer' }, undecodable: { type: 'integer' } } },
            'Re-driven',
          ),
          '404': err('No such notification in this repository'),
          '503': err('Kafka is unavailable'),
        }),
      },
      '/api/v1/repository/{namespace}/{repository}/recentrefs': {
        parameters: REPO_PARAMS,
        get: adminOp(
          'Herald: the refs the repository’s recent builds were triggered for, newest first (the admin page previews a ref-regex on them); empty until a build with a trigger ref is seen',
          { '200': json(ref('RecentRefs'), 'The recent refs') },
        ),
      },
      '/api/v1/repository/{namespace}/{repository}/authorizedemail/{email}': {
        parameters: [...REPO_PARAMS, EMAIL_PARAM],
        get: adminOp('Authorization status of an address', {
          '200': json(ref('AuthorizedEmail'), 'Status'),
          '404': err('Never requested'),
        }),
        post: adminOp('Start authorization: mails a confirmation link (the code is never returned)', {
          '200': json(ref('AuthorizedEmail'), 'Requested (or already confirmed)'),
          '429': {
            ...err('Too many confirmation mails for this address or repository; nothing sent, the earlier link stays valid'),
            headers: { 'Retry-After': { description: 'Seconds until a mail may go out', schema: { type: 'integer' } } },
          },
          '502': err('The confirmation mail could not be sent'),
        }),
        delete: adminOp('Withdraw an authorization', { '204': noContent('Removed'), '404': err('Never requested') }),
      },
      '/api/v1/user/notifications': {
        get: {
          summary: 'The caller’s in-app notifications, newest first, dismissed ones hidden',
          security: [{ bearerAuth: [] }],
          parameters: [
            {
              name: 'page',
              in: 'query',
              description: "Quay's paging: 0 and 1 are the first page; page n starts at (n - 1) × limit.",
              schema: { type: 'integer', minimum: 0, maximum: 10000, default: 0 },
            },
            { name: 'limit', in: 'query', schema: { type: 'integer', minimum: 1, maximum: 100, default: 5 } },
          ],
          responses: {
            '200': json(ref('InAppNotificationList'), 'A page'),
            '400': err('Invalid page or limit'),
            ...TOKEN_ERRORS,
          },
        },
      },
      '/api/v1/user/notifications/{uuid}': {
        parameters: [UUID_PARAM],
        get: {
          summary: 'One of the caller’s in-app notifications',
          security: [{ bearerAuth: [] }],
          responses: { '200': json(ref('InAppNotification'), 'The notification'), '404': err('Not found'), ...TOKEN_ERRORS },
        },
        put: {
          summary: 'Dismiss (or un-dismiss) one of the caller’s in-app notifications',
          security: [{ bearerAuth: [] }],
          requestBody: { required: true, content: { 'application/json': { schema: ref('DismissRequest') } } },
          responses: {
            '200': json(ref('InAppNotification'), 'Updated'),
            '400': err('`dismissed` missing or not a boolean'),
            '404': err('Not found'),
            ...TOKEN_ERRORS,
          },
        },
      },
    },
  };
}
