import type { DeliveryMethod } from '@herald/kafka';
import type { ChangeOp, DeliveryOutcome, EventKind, NotificationScope } from './constants.js';
import type { RepositoryEvent } from './event-types.js';

/** `schemas/delivery-job.avsc`: one (event, notification) pair to deliver. */
export interface DeliveryJob {
  /** Stable across attempts; see `deliveryId()`. */
  delivery_id: string;
  notification_uuid: string;
  method: DeliveryMethod;
  /** A "test notification" job. */
  test: boolean;
  /** Attempts already made (0 on the first delivery). */
  attempt: number;
  /** Milliseconds since the epoch. */
  created_at: number;
  event: RepositoryEvent;
  /** Equals `event.kind`. */
  kind: EventKind;
  /** Equals `event.repository`. */
  repository: string;
  /** Only on Herald's own in-app alerts (e.g. a notification was disabled); see delivery-job.avsc. */
  alert?: InAppAlert;
}

/** An in-app alert Herald itself raises, addressed to explicit targets. */
export interface InAppAlert {
  /** e.g. `notification_disabled`. */
  kind: string;
  targets: InAppAlertTarget[];
  /** A JSON object as text. */
  data: string;
}

export interface InAppAlertTarget {
  /** `user`, `team` or `org`. */
  kind: string;
  name: string;
}

/** `schemas/delivery-result.avsc`: the outcome of one attempt. */
export interface DeliveryResult {
  delivery_id: string;
  notification_uuid: string;
  method: DeliveryMethod;
  /** 1 for the first attempt. */
  attempt: number;
  outcome: DeliveryOutcome;
  status_code?: number;
  duration_ms: number;
  error_class?: string;
  /** Never contains secrets. */
  error_message?: string;
  occurred_at: number;
  /** Disable the notification now (e.g. 410 Gone). */
  disable: boolean;
  event_id?: string;
  kind?: EventKind;
}

/** What routing needs to know of a notification; no method config (secrets stay in MongoDB). */
export interface NotificationSnapshot {
  event: EventKind;
  method: DeliveryMethod;
  enabled: boolean;
  /** The event filter, a JSON object as text. */
  event_config: string;
  number_of_failures: number;
  title?: string;
  /** Subject that created the notification. */
  created_by?: string;
}

/** `schemas/subscription-change.avsc` as one shape (what the field-list check compares). */
export interface SubscriptionChangeRecord {
  notification_uuid: string;
  op: ChangeOp;
  repository: string;
  /** Absent (older records) means repository scope. */
  scope?: NotificationScope;
  /** The namespace of a namespace-scoped notification. */
  namespace?: string;
  changed_at: number;
  /** Incremented on every change; a view ignores changes older than what it holds. */
  version: number;
  notification?: NotificationSnapshot;
}

interface ChangeBase {
  notification_uuid: string;
  /** "namespace/name" for repository scope, "" for namespace and registry scope. */
  repository: string;
  scope?: NotificationScope;
  namespace?: string;
  changed_at: number;
  version: number;
}

/** A change of the subscription feed: an upsert carries the snapshot, a delete does not. */
export type SubscriptionChange =
  | (ChangeBase & { op: 'upsert'; notification: NotificationSnapshot })
  | (ChangeBase & { op: 'delete'; notification?: undefined });
