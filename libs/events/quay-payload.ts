import { isQuotaEventKind, type EventKind, type QuotaEventKind, type VulnerabilityPriority } from './constants.js';
import type { BuildBody, QuotaBody, RepositoryEvent, RepositoryEventOf, TriggerMetadata } from './event-types.js';
import type { RepositoryFields } from './repository-fields.js';

/** `trigger_metadata` as Quay sends it: the trigger's metadata, `{}` when there is none. */
export type QuayTriggerMetadata = TriggerMetadata | Record<string, never>;

/** build_start, build_success, build_failure and build_cancelled (buildman/jobutil/buildjob.py). */
export interface QuayBuildBody {
  build_id: string;
  build_name: string;
  docker_tags: string[];
  trigger_id: string | null;
  trigger_kind: string | null;
  trigger_metadata: QuayTriggerMetadata;
  image_id?: string;
  error_message?: string;
}

/** build_queued (endpoints/building.py start_build); the trigger keys only when a trigger started it. */
export interface QuayBuildQueuedBody {
  build_id: string;
  docker_tags: string[];
  repo: string;
  is_manual: boolean;
  manual_user: string | null;
  trigger_id?: string | null;
  trigger_kind?: string | null;
  trigger_metadata?: QuayTriggerMetadata;
  trigger_manual?: boolean;
}

/** vulnerability_found (workers/securityscanningnotificationworker.py, data/secscan_model). */
export interface QuayVulnerabilityBody {
  tags: string[];
  /** Only on events from a new index report, and then the string "true". */
  vulnerable_index_report_created?: 'true';
  vulnerability: { id: string; description: string | null; link: string | null; priority: VulnerabilityPriority; has_fix: boolean };
}

/** The body fields of each kind as Quay sends them. */
export interface QuayBodies {
  repo_push: { updated_tags: string[] };
  build_queued: QuayBuildQueuedBody;
  build_start: QuayBuildBody;
  build_success: QuayBuildBody;
  build_failure: QuayBuildBody;
  build_cancelled: QuayBuildBody;
  vulnerability_found: QuayVulnerabilityBody;
  repo_mirror_sync_started: { message: string };
  repo_mirror_sync_success: { message: string };
  repo_mirror_sync_failed: { message: string };
  repo_image_expiry: { notification_uuid: string; tags: string[]; expiring_in: string };
  quota_warning: QuotaBody;
  quota_error: QuotaBody;
}

/** What Quay's `build_namespace_event_data` puts before a namespace event's fields. */
export type NamespaceFields = Pick<RepositoryFields, 'namespace' | 'homepage'>;

/**
 * The JSON body a webhook receives: envelope fields and body fields, flat, as Quay sends them;
 * namespace-level events (quota) carry only the namespace and its page before their fields.
 */
export type QuayPayload<K extends EventKind = EventKind> = K extends QuotaEventKind
  ? NamespaceFields & QuayBodies[K]
  : K extends EventKind
    ? RepositoryFields & QuayBodies[K]
    : never;

/** The payload type of a given event type (a union of events gives a union of payloads). */
export type QuayPayloadOf<E extends RepositoryEvent> = QuayPayload<E['kind']>;

const buildBody = (b: BuildBody & { image_id?: string; error_message?: string }): QuayBuildBody => ({
  build_id: b.build_id,
  build_name: b.build_name,
  docker_tags: b.docker_tags,
  trigger_id: b.trigger_id ?? null,
  trigger_kind: b.trigger_kind ?? null,
  trigger_metadata: b.trigger_metadata ?? {},
  // Quay's build manager passes neither today; a producer that knows them may send them.
  ...(b.image_id === undefined ? {} : { image_id: b.image_id }),
  ...(b.error_message === undefined ? {} : { error_message: b.error_message }),
});

const quotaBody = (b: QuotaBody): QuotaBody => ({
  threshold_percent: b.threshold_percent,
  usage_bytes: b.usage_bytes,
  limit_bytes: b.limit_bytes,
  usage_percent: b.usage_percent,
  usage_bytes_formatted: b.usage_bytes_formatted,
  limit_bytes_formatted: b.limit_bytes_formatted,
});

/**
 * Each kind's body with Quay's keys in Quay's order (Python dicts keep insertion order, and Quay
 * sends `json.dumps(event_data)`): keys Quay always sends are always here, `null` or `{}` when
 * Herald does not know them; keys Quay sends only sometimes are left out when absent.
 */
const BODIES: { [K in EventKind]: (e: RepositoryEventOf<K>) => QuayBodies[K] } = {
  repo_push: (e) => ({ updated_tags: e.body.updated_tags }),
  build_queued: (e) => {
    const b = e.body;
    const triggered = b.trigger_id !== undefined || b.trigger_kind !== undefined;
    return {
      build_id: b.build_id,
      docker_tags: b.docker_tags,
      repo: e.name,
      is_manual: b.is_manual,
      manual_user: b.manual_user ?? null,
      ...(triggered
        ? { trigger_id: b.trigger_id ?? null, trigger_kind: b.trigger_kind ?? null, trigger_metadata: b.trigger_metadata ?? {}, trigger_manual: b.trigger_manual ?? false }
        : {}),
    };
  },
  build_start: (e) => buildBody(e.body),
  build_success: (e) => buildBody(e.body),
  build_failure: (e) => buildBody(e.body),
  build_cancelled: (e) => buildBody(e.body),
  vulnerability_found: (e) => {
    const v = e.body.vulnerability;
    return {
      tags: e.body.tags,
      ...(e.body.vulnerable_index_report_created ? { vulnerable_index_report_created: 'true' as const } : {}),
      vulnerability: { id: v.id, description: v.description ?? null, link: v.link ?? null, priority: v.priority, has_fix: v.has_fix },
    };
  },
  repo_mirror_sync_started: (e) => ({ message: e.body.message }),
  repo_mirror_sync_success: (e) => ({ message: e.body.message }),
  repo_mirror_sync_failed: (e) => ({ message: e.body.message }),
  repo_image_expiry: (e) => ({ notification_uuid: e.body.notification_uuid, tags: e.body.tags, expiring_in: e.body.expiring_in }),
  quota_warning: (e) => quotaBody(e.body),
  quota_error: (e) => quotaBody(e.body),
};


/**
 * The flat Quay body of an event, as Quay's `build_repository_event_data` makes it: repository,
 * namespace, name, docker_url, homepage, then the kind's fields (QuayBodies). Herald's metadata
 * (event_id, occurred_at, performer, kind) is not part of it. Nested objects are shared with the
 * event, not copied. Quota events are namespace events in Quay (`build_namespace_event_data`):
 * namespace and homepage, then the kind's fields.
 */
export function toQuayPayload<E extends RepositoryEvent>(event: E): QuayPayloadOf<E> {
  const body = (BODIES[event.kind] as (e: RepositoryEvent) => object)(event);
  if (isQuotaEventKind(event.kind)) return { namespace: event.namespace, homepage: event.homepage, ...body } as QuayPayloadOf<E>;
  return {
    repository: event.repository,
    namespace: event.namespace,
    name: event.name,
    docker_url: event.docker_url,
    homepage: event.homepage,
    ...body,
  } as QuayPayloadOf<E>;
}
