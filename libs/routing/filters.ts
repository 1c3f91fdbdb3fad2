import { RE2JS } from 're2js';
import { anyTagMatches, BUILD_EVENT_KINDS, hasTagFilter, tagMatcher, VULNERABILITY_PRIORITIES } from '@herald/events';
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
  /** The tags of a repo_push, vulnerability_found or repo_image_expiry event (the tag filter's input). */
  tags?: readonly string[] | undefined;
}

const BUILD_EVENTS: ReadonlySet<string> = new Set(BUILD_EVENT_KINDS);

const PRIORITY_INDEX = new Map<string, number>(VULNERABILITY_PRIORITIES.map((p, i) => [p, i]));

/** Index of a priority name (case-insensitive); unknown names count as Unknown (5). */
export function priorityIndex(priority: string | null | undefined): number {
  const exact = PRIORITY_INDEX.get(priority ?? '');
  if (exact !== undefined) return exact;
  const i = VULNERABILITY_PRIORITIES.findIndex((p) => p.toLowerCase() === (priority ?? '').toLowerCase());
  return i < 0 ? 5 : i;
}

// Compiled ref-regexes, shared by every subscription with the same pattern. RE2 runs in linear
// time, so no pattern an admin writes can stall the router. Each keeps its answers for the refs it
// has seen (a repository's builds keep coming from the same few branches), up to a bound.
interface RefPattern {
  re: RE2JS | null;
  answers: Map<string, boolean>;
}
const compiled = new Map<string, RefPattern>();
const MAX_ANSWERS_PER_PATTERN = 1_024;

function pattern(source: string): RefPattern {
  let p = compiled.get(source);
  if (p === undefined) {
    let re: RE2JS | null;
    try {
      re = RE2JS.compile(source);
    } catch {
      re = null; // rejected at creation; a stored bad pattern never fires rather than crashing
    }
    compiled.set(source, (p = { re, answers: new Map() }));
  }
  return p;
}

/** Whether `ref` matches `source` from its start (Quay's `re.match`). */
export function refMatches(source: string, ref: string): boolean {
  const p = pattern(source);
  if (p.re === null) return false;
  let answer = p.answers.get(ref);
  if (answer === undefined) {
    answer = p.re.matcher(ref).lookingAt();
    if (p.answers.size >= MAX_ANSWERS_PER_PATTERN) p.answers.clear();
    p.answers.set(ref, answer);
  }
  return answer;
}

/** Numeric `level` from the event config (number or numeric string); undefined when absent. */
function level(raw: unknown): number | undefined {
  if (typeof raw === 'number' && Number.isFinite(raw)) return raw;
  if (typeof raw === 'string' && raw.trim() !== '' && Number.isFinite(Number(raw))) return Number(raw);
  return undefined;
}

/**
 * The tag filter (`tag-glob` / `tag-regex`): passes when the subscription has none, or when at
 * least one of the event's tags matches it. A subscription without one costs two property reads.
 */
function passesTagFilter(sub: Subscription, facts: EventFacts): boolean {
  if (!hasTagFilter(sub.event_config)) return true;
  const matcher = tagMatcher(sub.event_config);
  return matcher === undefined || anyTagMatches(matcher, facts.tags ?? []);
}

/** Whether the subscription's event filter lets this event through (SPEC §2, and the tag filter of the kinds that list tags). */
export function passesFilter(sub: Subscription, facts: EventFacts): boolean {
  if (BUILD_EVENTS.has(facts.kind)) {
    const source = sub.event_config['ref-regex'];
    if (typeof source !== 'string' || source === '') return true;
    return facts.ref !== undefined && refMatches(source, facts.ref);
  }
  if (facts.kind === 'vulnerability_found') {
    const max = level(sub.event_config['level']);
    // Quay's VulnerabilityFoundEvent.should_perform: vulnerable_index_report_created skips the level.
    if (max !== undefined && facts.newIndexReport !== true && (facts.priorityIndex ?? 5) > max) return false;
    return passesTagFilter(sub, facts);
  }
  if (facts.kind === 'repo_image_expiry') return facts.targetUuid === sub.uuid && passesTagFilter(sub, facts);
  if (facts.kind === 'repo_push') return passesTagFilter(sub, facts);
  return true;
}
