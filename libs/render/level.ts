import type { RepositoryEvent } from '@herald/events';

/** How serious an event is; picks colours and whether HipChat notifies the room. */
export const LEVELS = ['primary', 'info', 'success', 'warning', 'error'] as const;
export type Level = (typeof LEVELS)[number];

const FIXED: { [K in Exclude<RepositoryEvent['kind'], 'vulnerability_found'>]: Level } = {
  repo_push: 'primary',
  build_queued: 'info',
  build_start: 'info',
  build_success: 'success',
  build_failure: 'error',
  build_cancelled: 'info',
  repo_mirror_sync_started: 'info',
  repo_mirror_sync_success: 'success',
  repo_mirror_sync_failed: 'error',
  repo_image_expiry: 'info',
  quota_warning: 'warning',
  quota_error: 'error',
};

/** The level of an event (SPEC §1); a vulnerability's depends on its priority. */
export function level(event: RepositoryEvent): Level {
  if (event.kind !== 'vulnerability_found') return FIXED[event.kind];
  const priority = event.body.vulnerability.priority;
  if (priority === 'Critical') return 'error';
  if (priority === 'High' || priority === 'Medium') return 'warning';
  return 'info';
}
