import { ValidationError } from '@herald/errors';
import type { Performer, RepositoryEvent } from '@herald/events';

/** The registries ingest understands. */
export type IngestSource = 'distribution' | 'harbor';

/**
 * One accepted registry event, as written to the ingest topic (JSON, keyed by repository): either
 * a tag that now points at a pushed manifest (coalesced into one `repo_push` per repository and
 * window) or a finished Herald event published as it is (e.g. `vulnerability_found`).
 */
export type RawRecord = RawTagPush | RawReadyEvent;

interface RawBase {
  v: 1;
  source: IngestSource;
  /** The registry's id of the event (Distribution's `events[].id`), or one derived from the payload. */
  source_id: string;
  repository: string;
  /** Host the registry is reached at (docker_url's host). */
  registry_host: string;
  /** When the registry says it happened, ms since the epoch. */
  occurred_at: number;
  performer?: Performer;
}

export interface RawTagPush extends RawBase {
  kind: 'tag_push';
  tag: string;
  digest?: string;
}

export interface RawReadyEvent extends RawBase {
  kind: 'event';
  event: RepositoryEvent;
}

export function encodeRawRecord(r: RawRecord): Buffer {
  return Buffer.from(JSON.stringify(r));
}

/** Decodes an ingest-topic value; a record this version cannot read throws ValidationError. */
export function decodeRawRecord(value: Buffer | null): RawRecord {
  if (value === null) throw new ValidationError('value', 'empty record');
  const r = JSON.parse(value.toString('utf8')) as Partial<RawRecord>;
  if (r.v !== 1 || typeof r.repository !== 'string' || typeof r.source_id !== 'string') throw new ValidationError('value', 'not an ingest record (v1)');
  if (r.kind === 'tag_push' && typeof r.tag === 'string') return r as RawTagPush;
  if (r.kind === 'event' && typeof r.event === 'object' && r.event !== null) return r as RawReadyEvent;
  throw new ValidationError('kind', `unknown ingest record kind ${JSON.stringify(r.kind)}`);
}
