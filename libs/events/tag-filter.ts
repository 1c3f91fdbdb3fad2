import { ValidationError } from '@herald/errors';
import { RE2JS } from 're2js';
import { isTagListEventKind, TAG_LIST_FIELDS } from './constants.js';
import { globToPattern } from './tag-glob.js';
import type { RepositoryEvent } from './event-types.js';

/** `event_config` key of the glob filter: a list of patterns, a tag fires when it matches one. */
export const TAG_GLOB = 'tag-glob';
/** `event_config` key of the regex filter: one RE2 pattern that must match a whole tag. */
export const TAG_REGEX = 'tag-regex';
/** Longest pattern accepted (Quay's MAX_TAG_REGEX_LENGTH). */
export const MAX_TAG_PATTERN_LENGTH = 256;
/** Most glob patterns in one filter. */
export const MAX_TAG_GLOBS = 50;

/** A notification's tag filter, compiled: whether a tag passes. */
export interface TagMatcher {
  matches(tag: string): boolean;
}

/** What a tag filter is checked against: the notification's `event_config` as stored. */
type EventConfig = Readonly<Record<string, unknown>>;

/** A glob as an RE2 pattern matching the whole tag (the syntax: tag-glob.ts). Throws a message for a malformed glob. */
export function globToRe2(glob: string): string {
  return globToPattern(glob, (c) => RE2JS.quote(c));
}

/**
 * Whether `config` holds a tag filter (`tag-glob` or `tag-regex`). Two property reads: the router
 * asks it for every subscription of a tag-listing kind, so a subscription without one pays nothing more.
 */
export function hasTagFilter(config: EventConfig): boolean {
  return config[TAG_GLOB] !== undefined || config[TAG_REGEX] !== undefined;
}

/**
 * Checks and normalizes the tag filter of a new or changed notification: at most one of `tag-glob`
 * (a non-empty list of non-empty globs) and `tag-regex` (one RE2 pattern), each pattern at most
 * 256 characters and compiling. Kinds whose body lists no tags keep no tag filter (the keys are dropped). Returns the filter's keys as
 * they are to be stored (absent or null/empty ones dropped); throws a ValidationError naming
 * `<prefix><key>` (e.g. `eventConfig.tag-regex`) otherwise.
 */
export function checkTagFilter(kind: string, config: EventConfig, prefix = 'eventConfig.'): Record<string, unknown> {
  const glob = config[TAG_GLOB] ?? undefined;
  const regex = config[TAG_REGEX] ?? undefined;
  const globGiven = glob !== undefined && !(Array.isArray(glob) && glob.length === 0);
  const regexGiven = regex !== undefined && regex !== '';
  if (!globGiven && !regexGiven) return {};
  // Like the other filters, a kind without tags ignores the keys (dropped, as Quay drops what does not apply).
  if (!isTagListEventKind(kind)) return {};
  const field = `${prefix}${globGiven ? TAG_GLOB : TAG_REGEX}`;
  if (globGiven && regexGiven) throw new ValidationError(`${prefix}${TAG_REGEX}`, `cannot be combined with ${TAG_GLOB}: give one tag filter`);
  if (regexGiven) {
    if (typeof regex !== 'string') throw new ValidationError(field, 'must be a string (an RE2 regular expression)');
    if (regex.length > MAX_TAG_PATTERN_LENGTH) throw new ValidationError(field, `must be at most ${MAX_TAG_PATTERN_LENGTH} characters`);
    try {
      RE2JS.compile(regex);
    } catch (err) {
      throw new ValidationError(field, `is not a valid RE2 regular expression: ${(err as Error).message}`);
    }
    return { [TAG_REGEX]: regex };
  }
  if (!Array.isArray(glob)) throw new ValidationError(field, 'must be a list of glob patterns, e.g. ["v1.*", "latest"]');
  if (glob.length > MAX_TAG_GLOBS) throw new ValidationError(field, `must list at most ${MAX_TAG_GLOBS} patterns`);
  glob.forEach((g: unknown, i) => {
    const at = `${field}[${i}]`;
    if (typeof g !== 'string' || g === '') throw new ValidationError(at, 'must be a non-empty string');
    if (g.length > MAX_TAG_PATTERN_LENGTH) throw new ValidationError(at, `must be at most ${MAX_TAG_PATTERN_LENGTH} characters`);
    let source: string;
    try {
      source = globToRe2(g);
    } catch (err) {
      throw new ValidationError(at, `is not a valid glob: it ${(err as Error).message}`);
    }
    try {
      RE2JS.compile(source);
    } catch (err) {
      throw new ValidationError(at, `is not a valid glob: ${(err as Error).message}`); // e.g. a class range z-a
    }
  });
  return { [TAG_GLOB]: [...(glob as string[])] };
}

// Compiled filters, shared by every notification with the same patterns. RE2 runs in linear time,
// so no pattern an admin writes can stall the router. Each keeps its answers for the tags it has
// seen (a repository's pushes keep naming the same few tags), up to a bound.
const MAX_FILTERS = 10_000;
const MAX_ANSWERS_PER_FILTER = 1_024;
const NEVER: TagMatcher = { matches: () => false };

class CompiledTagFilter implements TagMatcher {
  readonly #answers = new Map<string, boolean>();
  constructor(readonly re: RE2JS) {}

  matches(tag: string): boolean {
    let answer = this.#answers.get(tag);
    if (answer === undefined) {
      answer = this.re.testExact(tag);
      if (this.#answers.size >= MAX_ANSWERS_PER_FILTER) this.#answers.clear();
      this.#answers.set(tag, answer);
    }
    return answer;
  }
}

const bySource = new Map<string, TagMatcher>();
/** Per stored `event_config` object: the router and the delivery side hold the same object per notification version. */
const byConfig = new WeakMap<object, TagMatcher | null>();

function compile(source: string): TagMatcher {
  let m = bySource.get(source);
  if (m === undefined) {
    try {
      m = new CompiledTagFilter(RE2JS.compile(source));
    } catch {
      m = NEVER; // refused at creation; a stored bad pattern never fires rather than crashing
    }
    if (bySource.size >= MAX_FILTERS) bySource.clear();
    bySource.set(source, m);
  }
  return m;
}

function sourceOf(config: EventConfig): string | undefined {
  const regex = config[TAG_REGEX];
  if (typeof regex === 'string' && regex !== '') return `^(?:${regex})$`;
  const glob = config[TAG_GLOB];
  if (!Array.isArray(glob) || glob.length === 0) return undefined;
  try {
    return `^(?:${glob.map((g) => globToRe2(String(g))).join('|')})$`;
  } catch {
    return '[^\\s\\S]'; // a malformed stored glob: matches nothing
  }
}

/**
 * The compiled tag filter of a notification's `event_config`, or undefined when it has none.
 * `tag-regex` must match a whole tag (as Quay's vulnerability tag filter, `fullmatch`); `tag-glob`
 * patterns too (a glob names whole tags). Compiled once per pattern and kept per config object.
 */
export function tagMatcher(config: EventConfig): TagMatcher | undefined {
  if (!hasTagFilter(config)) return undefined;
  const known = byConfig.get(config);
  if (known !== undefined) return known ?? undefined;
  const source = sourceOf(config);
  const m = source === undefined ? undefined : compile(source);
  byConfig.set(config, m ?? null);
  return m;
}

/** Whether at least one of `tags` passes `matcher`. */
export function anyTagMatches(matcher: TagMatcher, tags: readonly string[]): boolean {
  for (const tag of tags) if (matcher.matches(tag)) return true;
  return false;
}

/**
 * The event as a notification with this `event_config` delivers it: the body's tag list
 * (`updated_tags` or `tags`) holding only the tags its filter lets through. The same event when
 * there is no filter or the kind lists no tags; otherwise a copy (the event itself is not changed).
 */
export function filterEventTags<E extends RepositoryEvent>(event: E, config: EventConfig): E {
  if (!isTagListEventKind(event.kind)) return event;
  const matcher = tagMatcher(config);
  if (!matcher) return event;
  const field = TAG_LIST_FIELDS[event.kind];
  const tags = (event.body as unknown as Record<string, readonly string[]>)[field] ?? [];
  const kept = tags.filter((t) => matcher.matches(t));
  if (kept.length === tags.length) return event;
  return { ...event, body: { ...event.body, [field]: kept } };
}
