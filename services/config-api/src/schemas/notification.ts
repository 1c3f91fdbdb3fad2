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
      Type.String({ description: 'Standard Webhooks secret (`whsec_…`); only in the 201 response to a create, never again.' }),
    ),
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
