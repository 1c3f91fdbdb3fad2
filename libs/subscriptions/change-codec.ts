import { DecodeError } from '@herald/errors';
import { SUBJECTS, SUBSCRIPTION_CHANGE_SCHEMA, type SchemaRegistryCodec, type SubscriptionChange } from '@herald/events';
import { scopeFields, type Subscription } from './notification.js';

/** A change as the view applies it. */
export interface FeedChange {
  op: 'upsert' | 'delete';
  subscription: Subscription;
}

/** Encodes and decodes feed changes (the Avro `SubscriptionChange` record). */
export interface ChangeCodec {
  ready(): Promise<void>;
  encode(change: FeedChange): Promise<Buffer>;
  decode(value: Buffer): Promise<FeedChange>;
}

/** The feed codec over the schema registry. */
export function registryChangeCodec(codec: SchemaRegistryCodec): ChangeCodec {
  let registered: Promise<number> | undefined;
  const ready = async () => {
    registered ??= codec.register(SUBJECTS.subscriptionChanges, SUBSCRIPTION_CHANGE_SCHEMA);
    await registered;
  };
  return {
    ready,
    async encode({ op, subscription: s }) {
      await ready();
      const base = { notification_uuid: s.uuid, repository: s.repository, ...scopeFields(s), changed_at: Date.now(), version: s.version };
      const change: SubscriptionChange =
        op === 'delete'
          ? { ...base, op }
          : {
              ...base,
              op,
              notification: {
                event: s.event as never,
                method: s.method,
                enabled: !s.disabled,
                event_config: JSON.stringify(s.event_config),
                number_of_failures: s.number_of_failures,
                created_by: s.created_by,
                ...(s.title === null ? {} : { title: s.title }),
              },
            };
      return codec.encode(SUBJECTS.subscriptionChanges, change);
    },
    async decode(value) {
      const c = await codec.decode(value, SUBSCRIPTION_CHANGE_SCHEMA);
      const n = c.notification;
      let eventConfig: Record<string, unknown> = {};
      try {
        if (n) eventConfig = JSON.parse(n.event_config) as Record<string, unknown>;
      } catch (err) {
        throw new DecodeError('INVALID', `subscription change ${c.notification_uuid}: event_config is not JSON`, { cause: err });
      }
      return {
        op: c.op,
        subscription: {
          uuid: c.notification_uuid,
          repository: c.repository,
          // Records without a scope (written before scopes) are repository subscriptions.
          ...scopeFields({ scope: c.scope ?? undefined, namespace: c.namespace ?? undefined }),
          event: n?.event ?? '',
          method: n?.method ?? 'webhook',
          event_config: eventConfig,
          title: n?.title ?? null,
          number_of_failures: n?.number_of_failures ?? 0,
          disabled: n ? !n.enabled : true,
          created_by: n?.created_by ?? '',
          version: c.version,
        },
      };
    },
  };
}
