import { DELIVERY_METHODS } from '@herald/kafka';
import { EVENT_KINDS } from '@herald/events';

/** Component schemas of the OpenAPI document. */
export const schemas = {
  Error: {
    type: 'object',
    description: "Quay's API error body (`detail`, `error_message`, `error_type`, `title`, `type`, `status`) plus Herald's `error` and `field`.",
    required: ['detail', 'error_message', 'error_type', 'title', 'type', 'status', 'error'],
    properties: {
      detail: { type: 'string', description: 'What is wrong.' },
      error_message: { type: 'string', description: 'The same text (Quay keeps both names).' },
      error_type: { type: 'string', enum: ['invalid_request', 'invalid_token', 'insufficient_scope', 'not_found', 'downstream_issue'] },
      title: { type: 'string', description: 'The same as `error_type`.' },
      type: { type: 'string', format: 'uri', description: 'Link to `GET /api/v1/error/{error_type}`.' },
      status: { type: 'integer' },
      error: { type: 'string', description: "The same text, Herald's earlier name." },
      field: { type: 'string', description: 'The offending request field, e.g. `config.url` (400 only).' },
    },
  },
  ErrorDescription: {
    type: 'object',
    required: ['type', 'title', 'description'],
    properties: { type: { type: 'string' }, title: { type: 'string' }, description: { type: 'string' } },
  },
  MethodConfig: {
    type: 'object',
    description:
      'Method-specific: webhook `{url, template?}`, slack `{url}`, email `{email}` (authorized and confirmed for the repository), ' +
      'flowdock `{flow_api_token}`, hipchat `{room_id, notification_token}`, quay_notification `{target: {kind, name}}`.',
    properties: {
      url: { type: 'string', format: 'uri', maxLength: 2048 },
      template: {
        type: 'string',
        description:
          "A JSON document whose strings may contain `${jsonpath}` expressions, rendered as Quay's util/jsontemplate.py does; " +
          'at most 32 levels deep and 64 KiB (400 naming the limit beyond).',
      },
      email: { type: 'string', format: 'email' },
      flow_api_token: { type: 'string' },
      room_id: { type: 'string', pattern: '^[0-9]+$' },
      notification_token: { type: 'string' },
      target: {
        type: 'object',
        required: ['kind', 'name'],
        properties: { kind: { type: 'string', enum: ['user', 'team', 'org'] }, name: { type: 'string', maxLength: 255 } },
      },
    },
  },
  EventConfig: {
    type: 'object',
    description: 'Event filter: build events `ref-regex` (RE2); vulnerability_found `level` 0–5; repo_image_expiry `days` (required).',
    properties: {
      'ref-regex': { type: 'string', maxLength: 256 },
      level: { oneOf: [{ type: 'integer', minimum: 0, maximum: 5 }, { type: 'string', pattern: '^[0-5]$' }] },
      days: { type: 'integer', minimum: 1, maximum: 3650 },
    },
  },
  NotificationCreateRequest: {
    type: 'object',
    required: ['event', 'method', 'config'],
    properties: {
      event: { type: 'string', enum: [...EVENT_KINDS] },
      method: { type: 'string', enum: [...DELIVERY_METHODS] },
      config: { $ref: '#/components/schemas/MethodConfig' },
      eventConfig: { $ref: '#/components/schemas/EventConfig' },
      title: { type: 'string', maxLength: 255, nullable: true },
    },
  },
  Notification: {
    type: 'object',
    required: ['uuid', 'event', 'method', 'config', 'event_config', 'number_of_failures'],
    properties: {
      uuid: { type: 'string', format: 'uuid' },
      title: { type: 'string', nullable: true },
      event: { type: 'string', enum: [...EVENT_KINDS] },
      method: { type: 'string', enum: [...DELIVERY_METHODS] },
      config: { $ref: '#/components/schemas/MethodConfig' },
      event_config: { $ref: '#/components/schemas/EventConfig' },
      number_of_failures: { type: 'integer', minimum: 0 },
      disabled: { type: 'boolean' },
      disabled_reason: { type: 'string', nullable: true },
      created: { type: 'string', format: 'date-time' },
      updated: { type: 'string', format: 'date-time' },
      signing_secret: {
        type: 'string',
        description: 'Standard Webhooks secret (`whsec_…`); only in the 201 response to a create, never again.',
      },
    },
  },
  NotificationList: {
    type: 'object',
    required: ['notifications'],
    properties: { notifications: { type: 'array', items: { $ref: '#/components/schemas/Notification' } } },
  },
  TestResult: {
    type: 'object',
    description: "Quay's empty object; the delivery id is in the `X-Herald-Delivery-Id` header.",
    properties: {},
  },
  AuthorizedEmail: {
    type: 'object',
    description: "Quay's shape without `code` (the confirmation code is only ever in the mail).",
    required: ['email', 'repository', 'namespace', 'confirmed'],
    properties: {
      email: { type: 'string' },
      repository: { type: 'string', description: 'The repository name without the namespace, as Quay has it.' },
      namespace: { type: 'string' },
      confirmed: { type: 'boolean' },
    },
  },
  InAppNotification: {
    type: 'object',
    required: ['id', 'kind', 'created', 'metadata', 'dismissed'],
    properties: {
      id: { type: 'string' },
      uuid: { type: 'string' },
      kind: { type: 'string' },
      created: { type: 'string', description: 'RFC 2822, as Quay (`Thu, 03 Dec 2026 10:00:00 -0000`).' },
      metadata: { type: 'object', description: 'The event data.' },
      dismissed: { type: 'boolean' },
      organization: { type: 'string', nullable: true },
      repository: { type: 'string' },
      target: {
        type: 'object',
        properties: { kind: { type: 'string', enum: ['user', 'team', 'org'] }, name: { type: 'string' } },
      },
    },
  },
  InAppNotificationList: {
    type: 'object',
    required: ['notifications', 'page', 'has_additional'],
    properties: {
      notifications: { type: 'array', items: { $ref: '#/components/schemas/InAppNotification' } },
      page: { type: 'integer' },
      has_additional: { type: 'boolean' },
      additional: { type: 'boolean', description: "Quay's name for has_additional." },
    },
  },
  DismissRequest: {
    type: 'object',
    required: ['dismissed'],
    properties: { dismissed: { type: 'boolean' } },
  },
  Health: { type: 'object', properties: { status: { type: 'string' }, state: { type: 'string' }, reason: { type: 'string' } } },
  Readiness: {
    type: 'object',
    properties: {
      status: { type: 'string' },
      state: { type: 'string' },
      reason: { type: 'string' },
      checks: { type: 'object', additionalProperties: { type: 'boolean' } },
      recent_refs: {
        type: 'object',
        description: 'The consumer behind the ref-regex preview; never a reason to be unready',
        properties: { state: { type: 'string', enum: ['idle', 'joining', 'running', 'retrying', 'restarting', 'failed', 'stopped'] }, reason: { type: 'string' } },
        required: ['state'],
      },
    },
  },
  RecentRefs: {
    type: 'object',
    required: ['refs'],
    properties: {
      refs: {
        type: 'array',
        description: 'Distinct trigger refs of the repository’s recent build events, newest first (at most RECENT_REFS_LIMIT)',
        items: {
          type: 'object',
          required: ['ref', 'last_seen'],
          properties: {
            ref: { type: 'string', example: 'refs/heads/main' },
            last_seen: { type: 'string', description: 'RFC 2822, as Quay’s dates: when the newest build with this ref happened' },
          },
        },
      },
    },
  },
} as const;
