import type { EventKind, PerformerKind, VulnerabilityPriority } from './constants.js';

/**
 * TypeScript shapes of `schemas/repository-event.avsc`. Optional Avro fields (`["null", T]`) are
 * optional properties and are absent (never `null`) in decoded values. This is Herald's event, not
 * the JSON receivers get: `toQuayPayload` builds that, with the keys Quay always sends present
 * (`null` or `{}` when unknown) and the ones it sends only sometimes left out.
 */

/** Who caused the event. */
export interface Performer {
  kind: PerformerKind;
  name: string;
}

/** Fields every event has. `event_id`, `occurred_at` and `performer` are not delivered to receivers. */
export interface EventEnvelope {
  event_id: string;
  /** Milliseconds since the epoch. */
  occurred_at: number;
  performer?: Performer;
  /** "namespace/name"; the name may contain `/`. */
  repository: string;
  namespace: string;
  name: string;
  docker_url: string;
  homepage: string;
}

export interface CommitAuthor {
  username: string;
  url?: string;
  avatar_url?: string;
}

export interface CommitInfo {
  url?: string;
  message: string;
  date?: string;
  author?: CommitAuthor;
  committer?: CommitAuthor;
}

export interface TriggerMetadata {
  ref?: string;
  default_branch?: string;
  commit?: string;
  git_url?: string;
  commit_info?: CommitInfo;
}

export interface RepoPushBody {
  updated_tags: string[];
}

export interface BuildQueuedBody {
  build_id: string;
  build_name?: string;
  docker_tags: string[];
  is_manual: boolean;
  manual_user?: string;
  trigger_kind?: string;
  trigger_id?: string;
  trigger_metadata?: TriggerMetadata;
  /** With a trigger: whether a user started the triggered build by hand. */
  trigger_manual?: boolean;
}

/** Fields of build_start and build_cancelled; the base of success and failure. */
export interface BuildBody {
  build_id: string;
  build_name: string;
  docker_tags: string[];
  trigger_kind?: string;
  trigger_id?: string;
  trigger_metadata?: TriggerMetadata;
}

export interface BuildSuccessBody extends BuildBody {
  image_id?: string;
}

export interface BuildFailureBody extends BuildBody {
  error_message?: string;
}

export interface Vulnerability {
  id: string;
  description?: string;
  link?: string;
  priority: VulnerabilityPriority;
  has_fix: boolean;
}

export interface VulnerabilityFoundBody {
  /** At most 100. */
  tags: string[];
  vulnerability: Vulnerability;
  /** Set when the event comes from a new index report; such events skip the level filter (Quay). */
  vulnerable_index_report_created?: boolean;
}

export interface MirrorSyncBody {
  message: string;
}

export interface RepoImageExpiryBody {
  tags: string[];
  /** "N days". */
  expiring_in: string;
  /** The one notification this event targets. */
  notification_uuid: string;
}

/** quota_warning and quota_error (Quay's namespace quota events). */
export interface QuotaBody {
  /** The threshold reached, in percent of the limit (100 for quota_error). */
  threshold_percent: number;
  usage_bytes: number;
  limit_bytes: number;
  usage_percent: number;
  /** e.g. "819.20 MB" (binary units, as Quay formats them). */
  usage_bytes_formatted: string;
  limit_bytes_formatted: string;
}

/** The body type of each kind. */
export interface EventBodies {
  repo_push: RepoPushBody;
  build_queued: BuildQueuedBody;
  build_start: BuildBody;
  build_success: BuildSuccessBody;
  build_failure: BuildFailureBody;
  build_cancelled: BuildBody;
  vulnerability_found: VulnerabilityFoundBody;
  repo_mirror_sync_started: MirrorSyncBody;
  repo_mirror_sync_success: MirrorSyncBody;
  repo_mirror_sync_failed: MirrorSyncBody;
  repo_image_expiry: RepoImageExpiryBody;
  quota_warning: QuotaBody;
  quota_error: QuotaBody;
}

/** Any event body. */
export type EventBody = EventBodies[EventKind];

/** The event of one kind; for a union of kinds, the union of their events (distributive). */
export type RepositoryEventOf<K extends EventKind> = K extends EventKind
  ? EventEnvelope & { kind: K; body: EventBodies[K] }
  : never;

/** A repository event: a union discriminated by `kind`, so `event.body` narrows with it. */
export type RepositoryEvent = RepositoryEventOf<EventKind>;

/** The `herald.RepositoryEvent` record as one shape (what the field-list check compares). */
export type RepositoryEventRecord = EventEnvelope & { kind: EventKind; body: EventBody };

/** An event as a producer may hand it over: the id and time are filled in when absent. */
export type RepositoryEventInput = {
  [K in EventKind]: Omit<RepositoryEventOf<K>, 'event_id' | 'occurred_at'> & { event_id?: string; occurred_at?: number };
}[EventKind];
