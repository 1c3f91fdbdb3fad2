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
