import { isDeepStrictEqual } from 'node:util';
import type { AuditChange } from '@herald/store';
import { maskConfig, type NotificationDoc } from '@herald/subscriptions';

/** What an audit entry shows of a notification: never its signing secrets, config secrets masked. */
export interface AuditedFields {
  title: string | null;
  config: Record<string, unknown>;
  event_config: Record<string, unknown>;
}

type Changes = AuditChange[];

/** The config as the audit log keeps it: each secret field masked by its method module (MethodModule.secrets). */
function masked(method: string, config: Record<string, unknown>): Record<string, unknown> {
  return maskConfig(method, config);
}

/** `prefix.key` with before and after, for every key whose value differs; `shown` are the values recorded (masked). */
function diffObject(prefix: string, before: Record<string, unknown>, after: Record<string, unknown>, out: Changes, shown?: { before: Record<string, unknown>; after: Record<string, unknown> }): void {
  const keys = new Set([...Object.keys(before), ...Object.keys(after)]);
  for (const k of [...keys].sort()) {
    if (isDeepStrictEqual(before[k], after[k])) continue;
    const b = (shown?.before ?? before)[k];
    const a = (shown?.after ?? after)[k];
    out.push({ field: `${prefix}.${k}`, ...(b === undefined ? {} : { before: b }), ...(a === undefined ? {} : { after: a }) });
  }
}

/**
 * The field-level changes of an edit: title, each config key and each event_config key (the
 * filters) whose value changed, before and after. Config secrets are compared as stored but shown
 * masked, so a changed Slack URL or token is listed (its field is there) with masked values. A
 * rotation is `{field: 'signing_secret', after: 'rotated'}`, with no value of either secret.
 */
export function editChanges(method: string, before: AuditedFields, after: AuditedFields, rotated: boolean): Changes {
  const out: Changes = [];
  if (before.title !== after.title) out.push({ field: 'title', before: before.title, after: after.title });
  diffObject('config', before.config, after.config, out, { before: masked(method, before.config), after: masked(method, after.config) });
  diffObject('event_config', before.event_config, after.event_config, out);
  if (rotated) out.push({ field: 'signing_secret', after: 'rotated' });
  return out;
}

/** What a created notification holds, as `after` values (secrets masked; the signing secret only as generated). */
export function createdChanges(n: Pick<NotificationDoc, 'event' | 'method'> & AuditedFields): Changes {
  const out: Changes = [{ field: 'event', after: n.event }, { field: 'method', after: n.method }];
  out.push(...editChanges(n.method, { title: null, config: {}, event_config: {} }, n, false));
  if (n.method === 'webhook') out.push({ field: 'signing_secret', after: 'generated' });
  return out;
}

/** What a deleted notification held, as `before` values (secrets masked). */
export function deletedChanges(n: NotificationDoc): Changes {
  return [{ field: 'event', before: n.event }, { field: 'method', before: n.method }, ...editChanges(n.method, n, { title: null, config: {}, event_config: {} }, false)];
}

