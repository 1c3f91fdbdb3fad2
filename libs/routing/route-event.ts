import { createDeliveryJob, type DeliveryJob, type RepositoryEvent } from '@herald/events';
import type { Subscription } from '@herald/subscriptions';
import { passesFilter, priorityIndex, type EventFacts } from './filters.js';

/** Where the router finds a repository's subscriptions for an event kind (the in-memory view). */
export interface SubscriptionLookup {
  forEvent(repository: string, event: string): readonly Subscription[];
}

export interface RouteOutcome {
  jobs: DeliveryJob[];
  /** Subscriptions whose event filter rejected the event. */
  filtered: number;
  /** Disabled subscriptions skipped. */
  disabled: number;
}

/** The facts the filters of SPEC §2 need, read from the event body. */
export function eventFacts(event: RepositoryEvent): EventFacts {
  switch (event.kind) {
    case 'build_queued':
    case 'build_start':
    case 'build_success':
    case 'build_failure':
    case 'build_cancelled':
      return { kind: event.kind, ref: event.body.trigger_metadata?.ref };
    case 'vulnerability_found':
      return {
        kind: event.kind,
        priorityIndex: priorityIndex(event.body.vulnerability.priority),
        newIndexReport: event.body.vulnerable_index_report_created === true,
      };
    case 'repo_image_expiry':
      return { kind: event.kind, targetUuid: event.body.notification_uuid };
    default:
      return { kind: event.kind };
  }
}

/** The delivery jobs one event yields: one per enabled subscription whose filter passes. */
export function routeEvent(event: RepositoryEvent, lookup: SubscriptionLookup, now = Date.now()): RouteOutcome {
  const subs = lookup.forEvent(event.repository, event.kind);
  const out: RouteOutcome = { jobs: [], filtered: 0, disabled: 0 };
  if (subs.length === 0) return out;
  const facts = eventFacts(event);
  for (const sub of subs) {
    if (sub.disabled) {
      out.disabled++;
      continue;
    }
    if (!passesFilter(sub, facts)) {
      out.filtered++;
      continue;
    }
    out.jobs.push(createDeliveryJob({ event, notificationUuid: sub.uuid, method: sub.method, now }));
  }
  return out;
}
