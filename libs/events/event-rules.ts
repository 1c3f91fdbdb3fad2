import { ValidationError } from '@herald/errors';
import type { RepositoryEvent } from './event-types.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Quay sends at most this many tags in a vulnerability_found event. */
export const MAX_VULNERABILITY_TAGS = 100;

export function isUuid(value: string): boolean {
  return UUID.test(value);
}

/**
 * The rules Avro cannot express, checked after the structural check. `prefix` names where the
 * event sits (e.g. `event.` inside a delivery job) so the error still points at the field.
 */
export function checkEventRules(event: RepositoryEvent, prefix = ''): void {
  const fail = (field: string, message: string): never => {
    throw new ValidationError(`${prefix}${field}`, message);
  };
  if (!isUuid(event.event_id)) fail('event_id', `must be a UUID, got ${JSON.stringify(event.event_id)}`);
  if (event.occurred_at < 0) fail('occurred_at', 'must be milliseconds since the epoch');
  if (event.performer && event.performer.name === '') fail('performer.name', 'must not be empty');

  const slash = event.repository.indexOf('/');
  if (slash <= 0 || slash === event.repository.length - 1) {
    fail('repository', `must be "namespace/name", got ${JSON.stringify(event.repository)}`);
  }
  const namespace = event.repository.slice(0, slash);
  const name = event.repository.slice(slash + 1);
  if (event.namespace !== namespace) fail('namespace', `must be "${namespace}" (from repository)`);
  if (event.name !== name) fail('name', `must be "${name}" (from repository)`);
  if (!event.docker_url.endsWith(`/${event.repository}`)) fail('docker_url', `must be "<registry host>/${event.repository}"`);
  if (!isHttpUrl(event.homepage)) fail('homepage', 'must be an absolute http(s) URL');

  switch (event.kind) {
    case 'build_queued':
    case 'build_start':
    case 'build_success':
    case 'build_failure':
    case 'build_cancelled':
      if (event.body.build_id === '') fail('body.build_id', 'must not be empty');
      break;
    case 'vulnerability_found':
      if (event.body.tags.length > MAX_VULNERABILITY_TAGS) fail('body.tags', `at most ${MAX_VULNERABILITY_TAGS} tags`);
      if (event.body.vulnerability.id === '') fail('body.vulnerability.id', 'must not be empty');
      break;
    case 'repo_image_expiry':
      if (event.body.notification_uuid === '') fail('body.notification_uuid', 'must not be empty');
      break;
    case 'quota_warning':
    case 'quota_error':
      for (const field of ['threshold_percent', 'usage_bytes', 'limit_bytes', 'usage_percent'] as const) {
        if (event.body[field] < 0) fail(`body.${field}`, 'must not be negative');
      }
      break;
    default:
      break;
  }
}

function isHttpUrl(value: string): boolean {
  try {
    const url = new URL(value);
    return url.protocol === 'http:' || url.protocol === 'https:';
  } catch {
    return false;
  }
}
