import { DELIVERY_METHODS } from '@herald/kafka';
import {
  BODY_RECORDS,
  CHANGE_OPS,
  DELIVERY_OUTCOMES,
  EVENT_KINDS,
  NOTIFICATION_SCOPES,
  PERFORMER_KINDS,
  VULNERABILITY_PRIORITIES,
  type EventKind,
} from './constants.js';
import type {
  BuildBody,
  CommitAuthor,
  CommitInfo,
  EventBodies,
  Performer,
  RepositoryEventRecord,
  TriggerMetadata,
  Vulnerability,
} from './event-types.js';
import type {
  DeliveryJob,
  DeliveryResult,
  InAppAlert,
  InAppAlertTarget,
  NotificationSnapshot,
  SubscriptionChangeRecord,
} from './message-types.js';

/**
 * The TypeScript side of the schema drift check. Each record's field list is typed from its TS
 * interface: a field added, removed, renamed, made optional or given another type in the interface
 * breaks `tsc` here; `schema-drift.test.ts` compares the same lists with the `.avsc` files, so a
 * change on the Avro side fails the test. Types are compared coarsely (string/number/boolean/record,
 * arrays, `?` for optional); enums are compared symbol by symbol through ENUM_SPECS.
 */
type Base<V> = V extends string
  ? 'string'
  : V extends boolean
    ? 'boolean'
    : V extends number
      ? 'number'
      : V extends readonly (infer I)[]
        ? `${Base<I>}[]`
        : 'record';

/** Every property of T, mapped to its coarse type, with `?` when optional. */
export type FieldSpec<T> = {
  [K in keyof T]-?: undefined extends T[K] ? `${Base<Exclude<T[K], undefined>>}?` : Base<T[K]>;
};

// A plain (non-generic) parameter keeps TypeScript's excess-property check: unknown fields fail too.
const spec = <T>(fields: FieldSpec<T>): FieldSpec<T> => fields;

const buildBody = spec<BuildBody>({
  build_id: 'string',
  build_name: 'string',
  docker_tags: 'string[]',
  trigger_kind: 'string?',
  trigger_id: 'string?',
  trigger_metadata: 'record?',
});
const mirrorBody = spec<EventBodies['repo_mirror_sync_started']>({ message: 'string' });
const quotaBody = spec<EventBodies['quota_warning']>({
  threshold_percent: 'number',
  usage_bytes: 'number',
  limit_bytes: 'number',
  usage_percent: 'number',
  usage_bytes_formatted: 'string',
  limit_bytes_formatted: 'string',
});

/** Body fields per kind; typing by EventBodies[K] ties each kind to its TS body type. */
const BODY_SPECS: { [K in EventKind]: FieldSpec<EventBodies[K]> } = {
  repo_push: { updated_tags: 'string[]' },
  build_queued: {
    build_id: 'string',
    build_name: 'string?',
    docker_tags: 'string[]',
    is_manual: 'boolean',
    manual_user: 'string?',
    trigger_kind: 'string?',
    trigger_id: 'string?',
    trigger_metadata: 'record?',
    trigger_manual: 'boolean?',
  },
  build_start: buildBody,
  build_success: { ...buildBody, image_id: 'string?' },
  build_failure: { ...buildBody, error_message: 'string?' },
  build_cancelled: buildBody,
  vulnerability_found: { tags: 'string[]', vulnerability: 'record', vulnerable_index_report_created: 'boolean?' },
  repo_mirror_sync_started: mirrorBody,
  repo_mirror_sync_success: mirrorBody,
  repo_mirror_sync_failed: mirrorBody,
  repo_image_expiry: { tags: 'string[]', expiring_in: 'string', notification_uuid: 'string' },
  quota_warning: quotaBody,
  quota_error: quotaBody,
};

const bodyRecords = Object.fromEntries(EVENT_KINDS.map((k) => [BODY_RECORDS[k], BODY_SPECS[k]]));

/** Field specs of every Avro record in `schemas/`, by full name. */
export const RECORD_SPECS: Readonly<Record<string, Readonly<Record<string, string>>>> = {
  'herald.RepositoryEvent': spec<RepositoryEventRecord>({
    event_id: 'string',
    occurred_at: 'number',
    performer: 'record?',
    kind: 'string',
    repository: 'string',
    namespace: 'string',
    name: 'string',
    docker_url: 'string',
    homepage: 'string',
    body: 'record',
  }),
  'herald.Performer': spec<Performer>({ kind: 'string', name: 'string' }),
  'herald.TriggerMetadata': spec<TriggerMetadata>({
    ref: 'string?',
    default_branch: 'string?',
    commit: 'string?',
    git_url: 'string?',
    commit_info: 'record?',
  }),
  'herald.CommitInfo': spec<CommitInfo>({ url: 'string?', message: 'string', date: 'string?', author: 'record?', committer: 'record?' }),
  'herald.CommitAuthor': spec<CommitAuthor>({ username: 'string', url: 'string?', avatar_url: 'string?' }),
  'herald.Vulnerability': spec<Vulnerability>({
    id: 'string',
    description: 'string?',
    link: 'string?',
    priority: 'string',
    has_fix: 'boolean',
  }),
  ...bodyRecords,
  'herald.DeliveryJob': spec<DeliveryJob>({
    delivery_id: 'string',
    notification_uuid: 'string',
    method: 'string',
    test: 'boolean',
    attempt: 'number',
    created_at: 'number',
    event: 'record',
    kind: 'string',
    repository: 'string',
    alert: 'record?',
  }),
  'herald.InAppAlert': spec<InAppAlert>({ kind: 'string', targets: 'record[]', data: 'string' }),
  'herald.InAppTarget': spec<InAppAlertTarget>({ kind: 'string', name: 'string' }),
  'herald.DeliveryResult': spec<DeliveryResult>({
    delivery_id: 'string',
    notification_uuid: 'string',
    method: 'string',
    attempt: 'number',
    outcome: 'string',
    status_code: 'number?',
    duration_ms: 'number',
    error_class: 'string?',
    error_message: 'string?',
    occurred_at: 'number',
    disable: 'boolean',
    event_id: 'string?',
    kind: 'string?',
  }),
  'herald.SubscriptionChange': spec<SubscriptionChangeRecord>({
    notification_uuid: 'string',
    op: 'string',
    repository: 'string',
    scope: 'string?',
    namespace: 'string?',
    changed_at: 'number',
    version: 'number',
    notification: 'record?',
  }),
  'herald.NotificationSnapshot': spec<NotificationSnapshot>({
    event: 'string',
    method: 'string',
    enabled: 'boolean',
    event_config: 'string',
    number_of_failures: 'number',
    title: 'string?',
    created_by: 'string?',
  }),
};

/** Symbols of every Avro enum in `schemas/`, by full name, in schema order. */
export const ENUM_SPECS: Readonly<Record<string, readonly string[]>> = {
  'herald.EventKind': EVENT_KINDS,
  'herald.PerformerKind': PERFORMER_KINDS,
  'herald.VulnerabilityPriority': VULNERABILITY_PRIORITIES,
  'herald.DeliveryMethod': DELIVERY_METHODS,
  'herald.DeliveryOutcome': DELIVERY_OUTCOMES,
  'herald.ChangeOp': CHANGE_OPS,
  'herald.NotificationScope': NOTIFICATION_SCOPES,
};

// EventBodies must have exactly one entry per kind (BODY_SPECS already needs one for each kind).
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
const _bodiesCoverKinds: Same<keyof EventBodies, EventKind> = true;
