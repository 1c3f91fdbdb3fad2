import { randomUUID } from 'node:crypto';
import {
  deriveRepositoryFields,
  isBuildEventKind,
  isQuotaEventKind,
  quotaBody,
  registryHostOf,
  sampleData,
  type EventKind,
  type Performer,
} from '@herald/events';
import { UsageError, type EventFlags } from './args.js';

type Flag = keyof EventFlags;

const COMMON: readonly Flag[] = ['repository', 'registry-host', 'performer', 'event-id'];
const BUILD: readonly Flag[] = ['tags', 'build-id', 'build-name', 'ref', 'commit', 'trigger-kind'];
const MIRROR: readonly Flag[] = ['message'];
const QUOTA: readonly Flag[] = ['usage-bytes', 'limit-bytes', 'threshold'];

/** The flags that mean something for each kind; anything else is a usage error, not silently ignored. */
const KIND_FLAGS: { readonly [K in EventKind]: readonly Flag[] } = {
  repo_push: ['tags'],
  build_queued: [...BUILD, 'manual', 'manual-user'],
  build_start: BUILD,
  build_success: [...BUILD, 'image-id'],
  build_failure: [...BUILD, 'message'],
  build_cancelled: BUILD,
  vulnerability_found: ['tags', 'vuln-id', 'priority', 'description', 'link', 'has-fix'],
  repo_mirror_sync_started: MIRROR,
  repo_mirror_sync_success: MIRROR,
  repo_mirror_sync_failed: MIRROR,
  repo_image_expiry: ['tags', 'notification-uuid', 'days'],
  quota_warning: QUOTA,
  quota_error: QUOTA,
};

const str = (f: EventFlags, k: Flag): string | undefined => (typeof f[k] === 'string' ? (f[k] as string) : undefined);
const tags = (f: EventFlags): string[] | undefined =>
  str(f, 'tags')?.split(',').map((t) => t.trim()).filter((t) => t !== '');

/** Keeps only defined values, so a flag that was not given does not erase a sample's field. */
function defined(o: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined));
}

/** A flag that must be a non-negative integer, when given. */
function count(f: EventFlags, k: Flag): number | undefined {
  const value = str(f, k);
  if (value === undefined) return undefined;
  if (!/^\d+$/.test(value) || !Number.isSafeInteger(Number(value))) throw new UsageError(`--${k} must be a non-negative integer, got ${JSON.stringify(value)}`);
  return Number(value);
}

/** A quota body: the flags over `base` (a sample's or the defaults), derived fields recomputed as Quay does. */
function quotaFromFlags(f: EventFlags, base: Record<string, unknown>): Record<string, unknown> {
  const usage = count(f, 'usage-bytes') ?? (base['usage_bytes'] as number);
  const limit = count(f, 'limit-bytes') ?? (base['limit_bytes'] as number);
  const threshold = count(f, 'threshold') ?? (base['threshold_percent'] as number | undefined) ?? (limit > 0 ? Math.trunc((usage * 100) / limit) : 0);
  return { ...quotaBody(usage, limit, threshold) };
}

/** The body fields the flags set for `kind` (merged over the sample or the defaults). */
function bodyFromFlags(kind: EventKind, f: EventFlags, base: Record<string, unknown>): Record<string, unknown> {
  if (isBuildEventKind(kind)) {
    const ref = str(f, 'ref');
    const commit = str(f, 'commit');
    const metadata = ref || commit ? { ...(base['trigger_metadata'] as object | undefined), ...defined({ ref, commit }) } : undefined;
    return defined({
      build_id: str(f, 'build-id'),
      build_name: str(f, 'build-name'),
      docker_tags: tags(f),
      trigger_kind: str(f, 'trigger-kind'),
      trigger_metadata: metadata,
      is_manual: kind === 'build_queued' ? f.manual : undefined,
      manual_user: str(f, 'manual-user'),
      image_id: str(f, 'image-id'),
      error_message: kind === 'build_failure' ? str(f, 'message') : undefined,
    });
  }
  if (isQuotaEventKind(kind)) return quotaFromFlags(f, base);
  switch (kind) {
    case 'repo_push':
      return defined({ updated_tags: tags(f) });
    case 'vulnerability_found': {
      const vulnerability = defined({
        ...(base['vulnerability'] as object | undefined),
        ...defined({ id: str(f, 'vuln-id'), priority: str(f, 'priority'), description: str(f, 'description'), link: str(f, 'link'), has_fix: f['has-fix'] }),
      });
      return defined({ tags: tags(f), vulnerability });
    }
    case 'repo_image_expiry': {
      const days = str(f, 'days');
      if (days !== undefined && !/^[1-9]\d*$/.test(days)) throw new UsageError(`--days must be a positive integer, got ${JSON.stringify(days)}`);
      return defined({ tags: tags(f), expiring_in: days && `${days} days`, notification_uuid: str(f, 'notification-uuid') });
    }
    default:
      return defined({ message: str(f, 'message') });
  }
}

/** The body of a new event of `kind` before flags apply; required flags are checked here. */
function defaultBody(kind: EventKind, f: EventFlags, repository: string): Record<string, unknown> {
  const need = (flag: Flag): void => {
    if (str(f, flag) === undefined) throw new UsageError(`${kind} needs --${flag}`);
  };
  if (isBuildEventKind(kind)) {
    const buildId = str(f, 'build-id') ?? randomUUID();
    return {
      build_id: buildId,
      build_name: (str(f, 'commit') ?? buildId).slice(0, 7),
      docker_tags: ['latest'],
      ...(kind === 'build_queued' ? { is_manual: str(f, 'ref') === undefined } : {}),
    };
  }
  switch (kind) {
    case 'repo_push':
      return { updated_tags: ['latest'] };
    case 'vulnerability_found':
      need('vuln-id');
      return { tags: ['latest'], vulnerability: { priority: 'Unknown', has_fix: false } };
    case 'repo_image_expiry':
      need('notification-uuid');
      need('days');
      return { tags: ['latest'] };
    case 'quota_warning':
    case 'quota_error':
      need('usage-bytes');
      need('limit-bytes');
      // Quay's quota_error is the 100 % threshold (the limit reached); a warning's threshold defaults to the usage.
      return kind === 'quota_error' ? { threshold_percent: 100 } : {};
    default:
      return { message: repository };
  }
}

function performer(f: EventFlags): Performer | undefined {
  const value = str(f, 'performer');
  if (value === undefined) return undefined;
  const m = /^(user|robot|token):(.+)$/.exec(value);
  if (!m) throw new UsageError(`--performer must be <user|robot|token>:<name>, got ${JSON.stringify(value)}`);
  return { kind: m[1] as Performer['kind'], name: m[2] as string };
}

/**
 * The event (not yet validated) that `herald emit` publishes: built from the flags, or from the
 * stored sample with the flags as overrides. `registryHost` undefined keeps a sample's own host.
 */
export function eventFromFlags(kind: EventKind, f: EventFlags, opts: { sample: boolean; registryHost?: string }): Record<string, unknown> {
  const allowed = new Set<Flag>([...COMMON, ...KIND_FLAGS[kind]]);
  const wrong = (Object.keys(f) as Flag[]).filter((k) => f[k] !== undefined && !allowed.has(k));
  if (wrong.length > 0) throw new UsageError(`--${wrong.join(', --')} ${wrong.length > 1 ? 'do' : 'does'} not apply to ${kind}`);

  const sample = opts.sample ? sampleData(kind) : undefined;
  const repository = str(f, 'repository') ?? sample?.repository;
  if (repository === undefined) throw new UsageError(`${kind} needs --repository <namespace/name>`);
  const base = sample ? (sample.body as unknown as Record<string, unknown>) : defaultBody(kind, f, repository);
  const body = { ...base, ...bodyFromFlags(kind, f, base) };
  const derived = deriveRepositoryFields(repository, {
    registryHost: opts.registryHost ?? (sample ? registryHostOf(sample) : ''),
    buildId: isBuildEventKind(kind) ? (body['build_id'] as string | undefined) : undefined,
    namespacePage: isQuotaEventKind(kind),
  });
  const who = performer(f) ?? sample?.performer;
  return defined({ event_id: str(f, 'event-id'), ...(who ? { performer: who } : {}), kind, ...derived, body });
}
