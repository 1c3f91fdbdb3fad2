/**
 * The closed vocabularies of Herald's Avro schemas, as TypeScript constants. The `.avsc` files in
 * `schemas/` are the source of truth; `schema-drift.test.ts` fails when these lists and the schemas
 * disagree, and the TS types below are derived from the lists, so drift either way is caught.
 */

/** Every event kind, in the order of the `herald.EventKind` Avro enum. */
export const EVENT_KINDS = [
  'repo_push',
  'build_queued',
  'build_start',
  'build_success',
  'build_failure',
  'build_cancelled',
  'vulnerability_found',
  'repo_mirror_sync_started',
  'repo_mirror_sync_success',
  'repo_mirror_sync_failed',
  'repo_image_expiry',
  'quota_warning',
  'quota_error',
] as const;
export type EventKind = (typeof EVENT_KINDS)[number];

/** The kinds whose body describes a build (they share the ref-regex filter and `/build/<id>` homepage). */
export const BUILD_EVENT_KINDS = [
  'build_queued',
  'build_start',
  'build_success',
  'build_failure',
  'build_cancelled',
] as const satisfies readonly EventKind[];
export type BuildEventKind = (typeof BUILD_EVENT_KINDS)[number];

/** The Avro record that carries each kind's body (a branch of the `body` union). */
export const BODY_RECORDS = {
  repo_push: 'herald.RepoPush',
  build_queued: 'herald.BuildQueued',
  build_start: 'herald.BuildStart',
  build_success: 'herald.BuildSuccess',
  build_failure: 'herald.BuildFailure',
  build_cancelled: 'herald.BuildCancelled',
  vulnerability_found: 'herald.VulnerabilityFound',
  repo_mirror_sync_started: 'herald.RepoMirrorSyncStarted',
  repo_mirror_sync_success: 'herald.RepoMirrorSyncSuccess',
  repo_mirror_sync_failed: 'herald.RepoMirrorSyncFailed',
  repo_image_expiry: 'herald.RepoImageExpiry',
  quota_warning: 'herald.QuotaWarning',
  quota_error: 'herald.QuotaError',
} as const satisfies { readonly [K in EventKind]: `herald.${string}` };

/** The namespace-level kinds (Quay's namespace notifications): the delivered body is Quay's namespace event data. */
export const QUOTA_EVENT_KINDS = ['quota_warning', 'quota_error'] as const satisfies readonly EventKind[];
export type QuotaEventKind = (typeof QUOTA_EVENT_KINDS)[number];

/** The kinds whose body lists tags, and the body field that holds them (the tag filter's input). */
export const TAG_LIST_FIELDS = {
  repo_push: 'updated_tags',
  vulnerability_found: 'tags',
  repo_image_expiry: 'tags',
} as const satisfies { readonly [K in EventKind]?: string };
export type TagListEventKind = keyof typeof TAG_LIST_FIELDS;

export const PERFORMER_KINDS = ['user', 'robot', 'token'] as const;
export type PerformerKind = (typeof PERFORMER_KINDS)[number];

/** Vulnerability priorities by severity; the index is the level compared with `event_config.level`. */
export const VULNERABILITY_PRIORITIES = ['Critical', 'High', 'Medium', 'Low', 'Negligible', 'Unknown'] as const;
export type VulnerabilityPriority = (typeof VULNERABILITY_PRIORITIES)[number];

export const DELIVERY_OUTCOMES = ['success', 'retry', 'dead_letter', 'dropped'] as const;
export type DeliveryOutcome = (typeof DELIVERY_OUTCOMES)[number];

export const CHANGE_OPS = ['upsert', 'delete'] as const;
export type ChangeOp = (typeof CHANGE_OPS)[number];

/**
 * What a notification covers: one repository, every repository of a namespace (the part of the
 * event's repository before the first `/`), or every event of the registry.
 */
export const NOTIFICATION_SCOPES = ['repository', 'namespace', 'registry'] as const;
export type NotificationScope = (typeof NOTIFICATION_SCOPES)[number];

/** True when `value` names an event kind. */
export function isEventKind(value: unknown): value is EventKind {
  return typeof value === 'string' && (EVENT_KINDS as readonly string[]).includes(value);
}

/** True for quota_warning and quota_error. */
export function isQuotaEventKind(kind: EventKind): kind is QuotaEventKind {
  return (QUOTA_EVENT_KINDS as readonly string[]).includes(kind);
}

/** True for the kinds whose body lists tags (repo_push, vulnerability_found, repo_image_expiry). */
export function isTagListEventKind(kind: string): kind is TagListEventKind {
  return Object.hasOwn(TAG_LIST_FIELDS, kind);
}

/** True for the build kinds. */
export function isBuildEventKind(kind: EventKind): kind is BuildEventKind {
  return (BUILD_EVENT_KINDS as readonly string[]).includes(kind);
}
