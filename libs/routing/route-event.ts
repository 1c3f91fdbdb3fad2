import type { EventHead } from '@herald/events';
import type { Subscription } from '@herald/subscriptions';
import { passesFilter, priorityIndex, type EventFacts } from './filters.js';

/**
 * Where the router finds the subscriptions an event reaches (the in-memory view): the event's
 * repository's, its namespace's (the part of the repository before the first `/`, so repositories
 * first seen after the subscription are covered) and the registry's, in that order, in one answer
 * (SubscriptionIndex keeps it per repository and event). A subscription has one scope, so it is in
 * the answer once at most.
 */
export interface SubscriptionLookup {
  forEvent(repository: string, event: string): readonly Subscription[];
}

export interface RouteOutcome {
  /** The enabled subscriptions whose filter passes: one job each. */
  matched: Subscription[];
  /** Subscriptions whose event filter rejected the event. */
  filtered: number;
  /** Disabled subscriptions skipped. */
  disabled: number;
}

/** The facts the filters of SPEC §2 need, from the event's head. */
export function eventFacts(head: EventHead): EventFacts {
  switch (head.kind) {
    case 'build_queued':
    case 'build_start':
    case 'build_success':
    case 'build_failure':
    case 'build_cancelled':
      return { kind: head.kind, ref: head.ref };
    case 'vulnerability_found':
      return { kind: head.kind, priorityIndex: priorityIndex(head.priority), newIndexReport: head.vulnerable_index_report_created === true, tags: head.tags };
    case 'repo_image_expiry':
      return { kind: head.kind, targetUuid: head.notification_uuid, tags: head.tags };
    case 'repo_push':
      return { kind: head.kind, tags: head.tags };
    default:
      return { kind: head.kind };
  }
}

const NONE: RouteOutcome = Object.freeze({ matched: [], filtered: 0, disabled: 0 }) as RouteOutcome;

/**
 * The subscriptions one event yields a delivery job for: enabled, and their filter passes; those of
 * the repository first, then the namespace's, then the registry's. Each subscription once at most.
 */
export function routeEvent(head: EventHead, lookup: SubscriptionLookup): RouteOutcome {
  const subs = lookup.forEvent(head.repository, head.kind);
  if (subs.length === 0) return NONE;
  const out: RouteOutcome = { matched: [], filtered: 0, disabled: 0 };
  const facts = eventFacts(head);
  for (const sub of subs) {
    if (sub.disabled) out.disabled++;
    else if (!passesFilter(sub, facts)) out.filtered++;
    else out.matched.push(sub);
  }
  return out;
}
