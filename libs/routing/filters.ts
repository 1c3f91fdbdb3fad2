import { RE2JS } from 're2js';
import { BUILD_EVENT_KINDS, VULNERABILITY_PRIORITIES } from '@herald/events';
import type { Subscription } from '@herald/subscriptions';

/** What the filters of SPEC §2 look at in an event. */
export interface EventFacts {
  kind: string;
  /** `trigger_metadata.ref` of a build event. */
  ref?: string | undefined;
  /** Vulnerability priority index: Critical 0 … Unknown 5. */
  priorityIndex?: number | undefined;
  /** A vulnerability found by a new index report: Quay sends it whatever the configured level. */
  newIndexReport?: boolean | undefined;
  /** `notification_uuid` of an image-expiry event. */
  targetUuid?: string | undefined;
}

const BUILD_EVENTS: ReadonlySet<string> = new Set(BUILD_EVENT_KINDS);

/** Index of a priority name (case-insensitive); unknown names count as Unknown (5). */
export function priorityIndex(priority: string | null | undefined): number {
  const i = VULNERABILITY_PRIORITIES.findIndex((p) => p.toLowerCase() === (priority ?? '').toLowerCase());
  return i < 0 ? 5 : i;
}

// Compiled ref-regexes, shared by every subscription with the same pattern. RE2 runs in linear
// time, so no pattern an admin writes can stall the router.
const compiled = new Map<string, RE2JS | null>();

function compile(pattern: string): RE2JS | null {
  let re = compiled.get(pattern);
  if (re === undefined) {
    try {
      re = RE2JS.compile(pattern);
    } catch {
      re = null; // rejected at creation; a stored bad pattern never fires rather than crashing
    }
    compiled.set(pattern, re);
  }
  return re;
}

/** Numeric `level` from the event config (number or numeric string); undefined when absent. */
function level(raw: unknown): number | undefined {
  if (typeof raw === 'number' && Number.isFinite(raw)) return raw;
  if (typeof raw === 'string' && raw.trim() !== '' && Number.isFinite(Number(raw))) return Number(raw);
  return undefined;
}

/** Whether the subscription's event filter lets this event through (SPEC §2). */
export function passesFilter(sub: Subscription, facts: EventFacts): boolean {
  if (BUILD_EVENTS.has(facts.kind)) {
    const pattern = sub.event_config['ref-regex'];
    if (typeof pattern !== 'string' || pattern === '') return true;
    if (facts.ref === undefined) return false;
    const re = compile(pattern);
    return re !== null && re.matcher(facts.ref).lookingAt();
  }
  if (facts.kind === 'vulnerability_found') {
    const max = level(sub.event_config['level']);
    // Quay's VulnerabilityFoundEvent.should_perform: vulnerable_index_report_created skips the level.
    return max === undefined || facts.newIndexReport === true || (facts.priorityIndex ?? 5) <= max;
  }
  if (facts.kind === 'repo_image_expiry') return facts.targetUuid === sub.uuid;
  return true;
}
