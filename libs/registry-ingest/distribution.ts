import { ValidationError } from '@herald/errors';
import { checkDigest, checkHost, checkTag, heraldRepository, hostOfUrl, isObject, optionalString, requiredString } from './grammar.js';
import { drop, emptyResult, type IngestResult, type PullPolicy } from './ingest-result.js';
import type { RawRecord } from './raw-record.js';

/** Media types of a Distribution notification envelope (v3 sends v2; older registries v1). */
export const DISTRIBUTION_MEDIA_TYPES = ['application/vnd.docker.distribution.events.v1+json', 'application/vnd.docker.distribution.events.v2+json'] as const;

/** More events than a registry batches into one envelope: refused rather than parsed. */
export const MAX_ENVELOPE_EVENTS = 1_000;

export interface DistributionOptions {
  /** docker_url's host when an event names none (`request.host`, then `target.url`). */
  defaultRegistryHost: string;
  /** What a pull event becomes (default `drop`). */
  pulls?: PullPolicy;
  /** When an event has no timestamp (tests pass their own clock). */
  now?: () => number;
}

const ACTIONS = new Set(['push', 'pull', 'delete', 'mount']);
const PULL_REFUSED = "pull events are refused here (INGEST_PULLS=refuse): set the registry endpoint's ignore.actions to [pull]";

/**
 * Maps a CNCF Distribution notification envelope (`{events: [...]}`) to ingest records. A push
 * naming a tag becomes a tag push; pushes of blobs or of manifests by digest name no tag and are
 * dropped, as are pulls (or refused: `pulls`), deletes and mounts, for which Herald has no event. Every event is checked
 * before anything is returned: one invalid event refuses the envelope (ValidationError naming it).
 */
export function parseDistributionEnvelope(body: unknown, opts: DistributionOptions): IngestResult {
  if (!isObject(body)) throw new ValidationError('body', 'must be a notification envelope object {"events": [...]}');
  const events = body['events'] ?? [];
  if (!Array.isArray(events)) throw new ValidationError('events', 'must be an array');
  if (events.length > MAX_ENVELOPE_EVENTS) throw new ValidationError('events', `at most ${MAX_ENVELOPE_EVENTS} events per envelope, got ${events.length}`);
  const result = emptyResult();
  events.forEach((e: unknown, i) => {
    const record = parseEvent(e, `events[${i}]`, opts);
    if (typeof record === 'string') drop(result, record);
    else result.records.push(record);
  });
  return result;
}

function parseEvent(e: unknown, at: string, opts: DistributionOptions): RawRecord | 'pull' | 'delete' | 'mount' | 'untagged_push' {
  if (!isObject(e)) throw new ValidationError(at, 'must be an object');
  const id = requiredString(e, 'id', `${at}.id`);
  if (id.length > 200) throw new ValidationError(`${at}.id`, 'longer than 200 characters');
  const action = requiredString(e, 'action', `${at}.action`);
  if (!ACTIONS.has(action)) throw new ValidationError(`${at}.action`, `must be push, pull, delete or mount, got ${JSON.stringify(action.slice(0, 50))}`);
  const target = e['target'];
  if (!isObject(target)) throw new ValidationError(`${at}.target`, 'must be an object');
  const repository = heraldRepository(requiredString(target, 'repository', `${at}.target.repository`), `${at}.target.repository`);
  const tagRaw = optionalString(target, 'tag', `${at}.target.tag`);
  const tag = tagRaw === undefined ? undefined : checkTag(tagRaw, `${at}.target.tag`);
  const digestRaw = optionalString(target, 'digest', `${at}.target.digest`);
  const digest = digestRaw === undefined ? undefined : checkDigest(digestRaw, `${at}.target.digest`);
  const ts = optionalString(e, 'timestamp', `${at}.timestamp`);
  const occurredAt = ts === undefined ? (opts.now ?? Date.now)() : Date.parse(ts);
  if (Number.isNaN(occurredAt)) throw new ValidationError(`${at}.timestamp`, `not an RFC 3339 time: ${JSON.stringify(ts?.slice(0, 50))}`);
  const request = isObject(e['request']) ? e['request'] : {};
  const actor = isObject(e['actor']) ? e['actor'] : {};
  const host = optionalString(request, 'host', `${at}.request.host`) ?? hostOfUrl(optionalString(target, 'url', `${at}.target.url`)) ?? opts.defaultRegistryHost;
  const actorName = optionalString(actor, 'name', `${at}.actor.name`);

  if (action === 'pull' && opts.pulls === 'refuse') throw new ValidationError(`${at}.action`, PULL_REFUSED);
  if (action !== 'push') return action as 'pull' | 'delete' | 'mount';
  if (tag === undefined) return 'untagged_push';
  return {
    v: 1,
    kind: 'tag_push',
    source: 'distribution',
    source_id: `distribution:${id}`,
    repository,
    registry_host: checkHost(host, `${at}.request.host`),
    occurred_at: occurredAt,
    ...(actorName === undefined ? {} : { performer: { kind: 'user' as const, name: actorName.slice(0, 255) } }),
    tag,
    ...(digest === undefined ? {} : { digest }),
  };
}
