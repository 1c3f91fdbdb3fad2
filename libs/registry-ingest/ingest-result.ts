import type { RawRecord } from './raw-record.js';

/** Why an accepted registry event published nothing. */
export type DropReason =
  | 'pull'
  | 'delete'
  | 'mount'
  | 'untagged_push'
  | 'scan_failed'
  | 'scan_clean'
  | 'unsupported_type';

/**
 * What a registry's pull events become. Herald has no pull event (Quay sends none either), so
 * there is nothing to map them to: `drop` accepts them (202), counts them (dropped, reason "pull")
 * and publishes nothing; `refuse` answers 400 naming the event, to find a registry that sends pulls
 * it should filter at the source. Distribution retries a refused envelope and holds its later events
 * behind it (unless its endpoint sets maxretries), so `refuse` is for finding that registry, not for
 * running with one that sends pulls.
 */
export const PULL_POLICIES = ['drop', 'refuse'] as const;
export type PullPolicy = (typeof PULL_POLICIES)[number];

/** What one valid registry payload becomes: records to publish, and counts of what was dropped. */
export interface IngestResult {
  records: RawRecord[];
  dropped: Partial<Record<DropReason, number>>;
}

export function emptyResult(): IngestResult {
  return { records: [], dropped: {} };
}

export function drop(result: IngestResult, reason: DropReason, n = 1): void {
  result.dropped[reason] = (result.dropped[reason] ?? 0) + n;
}
