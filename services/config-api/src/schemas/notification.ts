import { Type } from 'typebox';
import { DELIVERY_METHODS } from '@herald/kafka';
import { METHOD_MODULES } from '@herald/methods';
import { EVENT_KINDS } from '@herald/events';
import { EventConfigByEvent, EventKindSchema } from './event-config.js';

export const MAX_TITLE_LENGTH = 255;

const Title = Type.Union([Type.String(), Type.Null()], {
  description: `At most ${MAX_TITLE_LENGTH} characters once trimmed; no control characters, bidi overrides or zero-width characters`,
  'x-error': 'must be a string',
});

const EventConfigAny = Type.Object({}, { description: "The event's filter: see the `allOf` by `event`", 'x-error': 'must be an object' });

/**
 * `POST …/notification/`: Quay's body. `method` picks the method's config schema (libs/methods),
 * `event` the event's filter. What a schema cannot say runs after it (validation/create-request.ts).
 */
export const NotificationCreateRequest = {
  type: 'object',
  description: 'Quay\'s create body. `eventConfig` may also be sent as `event_config`.',
  'x-error': 'must be a JSON object',
  required: ['event', 'method', 'config'],
  discriminator: { propertyName: 'method' },
  oneOf: METHOD_MODULES.map((m) => ({
    type: 'object',
    title: m.label,
    required: ['config'],
    properties: {
      event: EventKindSchema,
      method: { type: 'string', enum: [m.method] },
      config: m.config,
      eventConfig: EventConfigAny,
      title: Title,
    },
  })),
  allOf: [EventConfigByEvent],
};

/** Longest rotation overlap a `PUT` may ask for (30 days). */
export const MAX_SECRET_OVERLAP_SECONDS = 30 * 24 * 3600;

/** What a `PUT` adds to the create body. */
const UPDATE_EXTRAS = {
  rotate_secret: {
    type: 'boolean',
    description:
      'Webhooks: true replaces the signing secret; the response carries the new one (only then). The previous one keeps signing too until the overlap ends. Absent or false: the secret is kept.',
    'x-error': 'must be true or false',
  },
  secret_overlap_seconds: {
    type: 'integer',
    minimum: 0,
    maximum: MAX_SECRET_OVERLAP_SECONDS,
    description: 'With `rotate_secret`: how long deliveries also carry a signature with the previous secret (default: the service\'s SIGNING_SECRET_OVERLAP_SECONDS; 0: none).',
    'x-error': `must be an integer from 0 to ${MAX_SECRET_OVERLAP_SECONDS}`,
  },
  version: {
    type: 'integer',
    minimum: 1,
    description: 'The `version` the edit is based on (from a GET): 409 if the notification changed since. Absent: the edit applies to the version read when the request arrives.',
    'x-error': 'must be a positive integer',
  },
};

/**
 * `PUT …/notification/{uuid}`: the create body as a whole (the same schema, so the same 400s), with
 * `rotate_secret`, `secret_overlap_seconds` and `version`. `method` and `event` must stay as they are.
 */
export const NotificationUpdateRequest = {
  ...NotificationCreateRequest,
  description: 'The create body (what the notification becomes), plus secret rotation and the version the edit is based on. `method` and `event` cannot change.',
  oneOf: NotificationCreateRequest.oneOf.map((b) => ({ ...b, properties: { ...b.properties, ...UPDATE_EXTRAS } })),
};

const Timestamp = Type.String({ format: 'date-time' });

export const Notification = Type.Object(
  {
    uuid: Type.String({ format: 'uuid' }),
    title: Type.Union([Type.String(), Type.Null()]),
    event: Type.Enum([...EVENT_KINDS]),
    method: Type.Enum([...DELIVERY_METHODS]),
    config: Type.Object({}, { description: "The method's config (libs/methods); secrets masked in listings", additionalProperties: true }),
    event_config: Type.Object({}, { description: "The event's filter", additionalProperties: true }),
    number_of_failures: Type.Integer({ minimum: 0 }),
    disabled: Type.Optional(Type.Boolean()),
    disabled_reason: Type.Optional(Type.Union([Type.String(), Type.Null()])),
    created: Type.Optional(Timestamp),
    updated: Type.Optional(Timestamp),
    signing_secret: Type.Optional(
      Type.String({ description: 'Standard Webhooks secret (`whsec_…`); only in the 201 response to a create or the response to a rotating PUT, never again.' }),
    ),
    version: Type.Optional(Type.Integer({ minimum: 1, description: 'Incremented on every change; send it back with a PUT (409 if it changed since)' })),
  },
  { additionalProperties: true },
);

export const NotificationList = Type.Object({ notifications: Type.Array(Notification) });

export const TestResult = Type.Object({}, { description: "Quay's empty object; the delivery id is in the `X-Herald-Delivery-Id` header." });

export const Attempts = Type.Object({ attempts: Type.Array(Type.Object({}, { additionalProperties: true })) }, { description: 'The delivery attempts, newest first (at most 200)' });

export const RedriveResult = Type.Object({
  found: Type.Integer(),
  redriven: Type.Integer(),
  already_redriven: Type.Integer(),
  undecodable: Type.Integer(),
  delivery_ids: Type.Array(Type.String()),
});
