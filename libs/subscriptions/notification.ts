import type { NotificationScope } from '@herald/events';
import type { DeliveryMethod } from '@herald/kafka';

/**
 * A repository notification (subscription) as stored in MongoDB. `config` holds the method's secrets
 * (URLs, tokens) and never leaves MongoDB or the API: the change feed carries everything but it.
 */
export interface NotificationDoc {
  uuid: string;
  /** "namespace/name" for a repository notification; "" for namespace and registry ones. */
  repository: string;
  /** Absent on documents stored before scopes: those are repository notifications. */
  scope?: NotificationScope;
  /** The namespace of a namespace notification (absent otherwise). */
  namespace?: string;
  event: string;
  method: DeliveryMethod;
  config: Record<string, unknown>;
  event_config: Record<string, unknown>;
  title: string | null;
  number_of_failures: number;
  disabled: boolean;
  disabled_reason: string | null;
  /** Standard Webhooks signing secret (`whsec_…`), returned once at creation or rotation. */
  signing_secret: string;
  /**
   * The secret a rotation replaced: deliveries are signed with it too until
   * `previous_secret_expires_at`, then it is removed. Never shown by the API, never logged.
   */
  previous_signing_secret?: string | null;
  previous_secret_expires_at?: Date | null;
  /** Subject of the token that created it; gets the in-app alert when it is disabled. */
  created_by: string;
  created_at: Date;
  updated_at: Date;
  /** Incremented on every change; lets subscription views ignore stale feed records. */
  version: number;
  /**
   * The delivery ids of the latest failures counted (at most 20): a failure that is recorded again
   * (the delivery re-processed after a crash before its offset was committed) is not counted twice.
   */
  counted_failures?: string[];
  /** The delivery whose failure disabled the notification (null or absent otherwise). */
  disabled_by?: string | null;
}

/** What the router and delivery services need to know about a notification: no secrets. */
export interface Subscription {
  uuid: string;
  /** "namespace/name" for a repository subscription; "" for namespace and registry ones. */
  repository: string;
  /** Absent means repository. */
  scope?: NotificationScope;
  /** The namespace of a namespace subscription. */
  namespace?: string;
  event: string;
  method: DeliveryMethod;
  event_config: Record<string, unknown>;
  title: string | null;
  number_of_failures: number;
  disabled: boolean;
  created_by: string;
  version: number;
}

export function toSubscription(n: NotificationDoc): Subscription {
  return {
    uuid: n.uuid,
    repository: n.repository,
    ...scopeFields(n),
    event: n.event,
    method: n.method,
    event_config: n.event_config,
    title: n.title,
    number_of_failures: n.number_of_failures,
    disabled: n.disabled,
    created_by: n.created_by,
    version: n.version,
  };
}

/** The scope of a notification or subscription: "repository" when it has none (stored before scopes). */
export function scopeOf(n: Pick<Subscription, 'scope'>): NotificationScope {
  return n.scope ?? 'repository';
}

/**
 * The scope fields a namespace or registry notification carries; none for a repository one, so
 * repository documents and subscriptions keep the shape they had before scopes.
 */
export function scopeFields(n: Pick<Subscription, 'scope' | 'namespace'>): Pick<Subscription, 'scope' | 'namespace'> {
  switch (n.scope) {
    case 'namespace':
      return { scope: 'namespace', namespace: n.namespace ?? '' };
    case 'registry':
      return { scope: 'registry' };
    default:
      return {};
  }
}

/** What a notification covers, for people: "ns/app", "ns/*" or "*" (the whole registry). */
export function scopeLabel(n: Pick<Subscription, 'scope' | 'namespace' | 'repository'>): string {
  switch (n.scope) {
    case 'namespace':
      return `${n.namespace ?? ''}/*`;
    case 'registry':
      return '*';
    default:
      return n.repository;
  }
}

/** The namespace of a repository: the part before the first "/" (the whole name without one). */
export function namespaceOf(repository: string): string {
  const slash = repository.indexOf('/');
  return slash < 0 ? repository : repository.slice(0, slash);
}

