import { BODY_RECORDS, BUILD_EVENT_KINDS, type EventKind, type VulnerabilityPriority } from './constants.js';
import type { RepositoryEvent } from './event-types.js';
import { defineProjection } from './projection.js';
import { checkBodyBranch, REPOSITORY_EVENT_SCHEMA } from './repository-event.js';

/**
 * What routing reads of an event: which event, of which kind, for which repository, and the facts
 * its filters look at (SPEC §2). The router decodes only this (`EVENT_HEAD`) and splices the event's
 * bytes into its jobs unread.
 */
export interface EventHead {
  event_id: string;
  kind: EventKind;
  repository: string;
  /** `body.trigger_metadata.ref` of a build event. */
  ref?: string;
  /** `body.vulnerability.priority` of a vulnerability_found event. */
  priority?: VulnerabilityPriority;
  /** `body.vulnerable_index_report_created` of a vulnerability_found event. */
  vulnerable_index_report_created?: boolean;
  /** `body.notification_uuid` of a repo_image_expiry event. */
  notification_uuid?: string;
  /** The body's tag list (`updated_tags` of repo_push, `tags` of vulnerability_found and repo_image_expiry): the tag filter's input. */
  tags?: readonly string[];
}

/** The body fields a head reads: from a whole event, or as avsc reads a projection (absent = null). */
interface HeadBody {
  trigger_metadata?: { ref?: string | null } | null;
  vulnerability?: { priority?: VulnerabilityPriority } | null;
  vulnerable_index_report_created?: boolean | null;
  notification_uuid?: string | null;
  updated_tags?: readonly string[] | null;
  tags?: readonly string[] | null;
}

function head(event: { event_id: string; kind: EventKind; repository: string }, body: HeadBody | null | undefined): EventHead {
  const out: EventHead = { event_id: event.event_id, kind: event.kind, repository: event.repository };
  if (!body) return out;
  const ref = body.trigger_metadata?.ref;
  if (ref !== undefined && ref !== null) out.ref = ref;
  const priority = body.vulnerability?.priority;
  if (priority !== undefined) out.priority = priority;
  const created = body.vulnerable_index_report_created;
  if (created !== undefined && created !== null) out.vulnerable_index_report_created = created;
  if (body.notification_uuid !== undefined && body.notification_uuid !== null) out.notification_uuid = body.notification_uuid;
  const tags = body.updated_tags ?? body.tags;
  if (tags !== undefined && tags !== null) out.tags = tags;
  return out;
}

/** The head of a whole event (for events read in full, e.g. by an older writer schema). */
export function eventHead(event: RepositoryEvent): EventHead {
  return head(event, event.body as HeadBody);
}

const build = Object.fromEntries(BUILD_EVENT_KINDS.map((k) => [BODY_RECORDS[k], ['trigger_metadata']]));

/** `SchemaRegistryCodec.decodeProjection(value, EVENT_HEAD)`: an event's head, the rest skipped. */
export const EVENT_HEAD = defineProjection<EventHead>(
  REPOSITORY_EVENT_SCHEMA,
  {
    [REPOSITORY_EVENT_SCHEMA.name]: ['event_id', 'kind', 'repository', 'body'],
    ...build,
    [BODY_RECORDS.repo_push]: ['updated_tags'],
    'herald.TriggerMetadata': ['ref'],
    [BODY_RECORDS.vulnerability_found]: ['tags', 'vulnerability', 'vulnerable_index_report_created'],
    'herald.Vulnerability': ['priority'],
    [BODY_RECORDS.repo_image_expiry]: ['tags', 'notification_uuid'],
  },
  // From avsc's values as read (no plain copy): the body is wrapped in its branch's name.
  (raw) => {
    checkBodyBranch(raw);
    const event = raw as { event_id: string; kind: EventKind; repository: string; body: Record<string, HeadBody | null> };
    return head(event, event.body[BODY_RECORDS[event.kind]]);
  },
);
