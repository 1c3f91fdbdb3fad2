import { randomBytes, randomUUID } from 'node:crypto';
import type { FastifyReply } from 'fastify';
import { ValidationError } from '@herald/errors';
import { scopeOf, VersionConflictError, type NotificationDoc, type NotificationEdit } from '@herald/subscriptions';
import type { Principal } from '@herald/auth';
import { createdChanges, deletedChanges, editChanges } from '../audit/changes.js';
import { notificationScope } from '../audit/auditor.js';
import type { ApiDeps } from '../deps.js';
import { ConflictError, NotFoundError, UpstreamError } from '../http/http-errors.js';
import { notificationView } from '../present/notification-view.js';
import { checkCreateRequest, type CreateRequest, type MethodConfigContext } from '../validation/create-request.js';
import type { NotificationAction } from './repository-path.js';

/** Standard Webhooks signing secret: `whsec_` + base64 of 32 random bytes. */
export function newSigningSecret(): string {
  return `whsec_${randomBytes(32).toString('base64')}`;
}

/**
 * What a route addresses: one repository, one namespace (every repository in it, including later
 * ones) or the whole registry — the scope fields a notification stores (libs/subscriptions), so a
 * target is stored as it is and a notification belongs to a target when these fields agree.
 */
export type ScopeTarget = { repository: string; scope?: undefined; namespace?: undefined } | { repository: ''; scope: 'namespace'; namespace: string } | { repository: ''; scope: 'registry'; namespace?: undefined };

export const repositoryTarget = (repository: string): ScopeTarget => ({ repository });
export const namespaceTarget = (namespace: string): ScopeTarget => ({ repository: '', scope: 'namespace', namespace });
export const REGISTRY_TARGET: ScopeTarget = { repository: '', scope: 'registry' };

/** The target in messages: the repository's name as before, `namespace ns`, or `the registry`. */
export function targetName(t: ScopeTarget): string {
  return t.scope === 'namespace' ? `namespace ${t.namespace}` : t.scope === 'registry' ? 'the registry' : t.repository;
}

function belongsTo(n: NotificationDoc, t: ScopeTarget): boolean {
  const scope = scopeOf(n);
  return scope === scopeOf(t) && n.repository === t.repository && (scope !== 'namespace' || n.namespace === t.namespace);
}

/** The notification, only if it belongs to the target (Quay did not check this for repositories; we do). */
export async function owned(deps: ApiDeps, target: ScopeTarget, uuid: string): Promise<NotificationDoc> {
  const n = uuid.length <= 100 ? await deps.notifications.get(uuid) : null;
  if (!n || !belongsTo(n, target)) throw new NotFoundError(`notification ${uuid.slice(0, 100)} not found in ${targetName(target)}`);
  return n;
}

/**
 * E-mail recipients are authorized per repository (authorizedemail), and a namespace or the
 * registry has no such list: an `email` notification there would mail any address about every
 * repository it covers. Refused, naming `method`.
 */
function checkScopeMethod(target: ScopeTarget, method: string): void {
  if (method === 'email' && target.scope !== undefined) {
    throw new ValidationError('method', `email is only available for repository notifications (recipients are authorized per repository), not for ${targetName(target)}`);
  }
}

function createContext(deps: ApiDeps, target: ScopeTarget): MethodConfigContext {
  return {
    repository: target.repository,
    isEmailConfirmed: (repo, email) => deps.emails.isConfirmed(repo, email),
    checkDestination: (method, field, url) => deps.destinations.check(method, field, url),
  };
}

/** The header carrying a test notification's delivery id (the body is Quay's `{}`). */
export const DELIVERY_ID_HEADER = 'X-Herald-Delivery-Id';

/** Longest a request waits for Kafka before answering 503 (kafkajs would otherwise retry for long). */
export const PUBLISH_TIMEOUT_MS = 10_000;

function bounded<T>(p: Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer from Kafka within ${PUBLISH_TIMEOUT_MS} ms`)), PUBLISH_TIMEOUT_MS);
  });
  return Promise.race([p, timeout]).finally(() => clearTimeout(timer));
}

async function publish(deps: ApiDeps, what: () => Promise<void>): Promise<void> {
  try {
    await bounded(what());
  } catch (err) {
    // The change is stored; readiness drops with Kafka, and a retry of the request republishes.
    throw new UpstreamError(503, 'the change was stored but could not be published to the subscription feed; retry', err);
  }
}

export async function listNotifications(deps: ApiDeps, target: ScopeTarget): Promise<unknown> {
  const docs =
    target.scope === 'namespace'
      ? await deps.notifications.listByNamespace(target.namespace)
      : target.scope === 'registry'
        ? await deps.notifications.listRegistryWide()
        : await deps.notifications.listByRepository(target.repository);
  return { notifications: docs.map((d) => notificationView(d, { mask: true })) };
}

export async function createNotification(
  deps: ApiDeps,
  target: ScopeTarget,
  body: unknown,
  who: Principal,
  reply: FastifyReply,
): Promise<unknown> {
  checkScopeMethod(target, (body as { method: string }).method);
  const req = await checkCreateRequest(body, createContext(deps, target));
  const uuid = randomUUID();
  const audited = { actor: who.subject, action: 'create', scope: notificationScope(target), notification_uuid: uuid, changes: createdChanges(req) } as const;
  return deps.auditor.record(audited, async () => {
    const doc = await deps.notifications.insert({
      uuid,
      ...target,
      event: req.event,
      method: req.method,
      config: req.config,
      event_config: req.event_config,
      title: req.title,
      signing_secret: newSigningSecret(),
      created_by: who.subject,
    });
    await publish(deps, () => deps.changes.upsert(doc));
    void reply.code(201);
    return notificationView(doc, { mask: false, withSigningSecret: true });
  });
}

/** What a `PUT` adds to the create body (schemas/notification.ts). */
interface UpdateExtras {
  rotate_secret?: boolean;
  secret_overlap_seconds?: number;
  version?: number;
}

/**
 * `PUT`: the notification becomes the body (validated as a create), keeping its uuid, method, event
 * and failure state; a webhook's secret is kept or rotated. Applied only to the version it was based
 * on (`version`, or the one read here): a concurrent edit makes this one a 409, never a silent loss.
 */
export async function updateNotification(deps: ApiDeps, target: ScopeTarget, uuid: string, body: unknown, who: Principal): Promise<unknown> {
  const current = await owned(deps, target, uuid);
  const extras = body as UpdateExtras;
  const req = await checkCreateRequest(body, createContext(deps, target));
  if (req.method !== current.method) throw new ValidationError('method', `cannot change (the notification is a ${current.method} one; create a new notification instead)`);
  if (req.event !== current.event) throw new ValidationError('event', `cannot change (the notification is for ${current.event}; create a new notification instead)`);
  const rotate = extras.rotate_secret === true;
  if (rotate && current.method !== 'webhook') throw new ValidationError('rotate_secret', 'only webhooks have a signing secret');
  if (extras.secret_overlap_seconds !== undefined && !rotate) throw new ValidationError('secret_overlap_seconds', 'only with rotate_secret');
  const changes = editChanges(current.method, current, req, rotate);
  const audited = { actor: who.subject, action: 'update', scope: notificationScope(current), notification_uuid: uuid, changes } as const;
  return deps.auditor.record(audited, () => applyUpdate(deps, target, current, req, extras));
}

/** The checked edit, applied to the version it was based on. */
async function applyUpdate(deps: ApiDeps, target: ScopeTarget, current: NotificationDoc, req: CreateRequest, extras: UpdateExtras): Promise<unknown> {
  const { uuid } = current;
  const rotate = extras.rotate_secret === true;
  const version = extras.version ?? current.version;
  if (version !== current.version) throw new ConflictError(`notification ${uuid} is at version ${current.version}, not ${version}; read it again and re-apply the edit`);
  const edit: NotificationEdit = { title: req.title, config: req.config, event_config: req.event_config };
  let expiresAt: Date | undefined;
  if (rotate) {
    const overlapMs = extras.secret_overlap_seconds === undefined ? deps.secretOverlapMs : extras.secret_overlap_seconds * 1000;
    expiresAt = new Date(Date.now() + overlapMs);
    Object.assign(edit, {
      signing_secret: newSigningSecret(),
      previous_signing_secret: overlapMs > 0 ? current.signing_secret : null,
      previous_secret_expires_at: overlapMs > 0 ? expiresAt : null,
    });
  }
  let doc: NotificationDoc | null;
  try {
    doc = await deps.notifications.edit(uuid, version, edit);
  } catch (err) {
    if (err instanceof VersionConflictError) throw new ConflictError(`notification ${uuid} changed while this edit was applied (now version ${err.actual}); read it again and re-apply the edit`);
    throw err;
  }
  if (!doc) throw new NotFoundError(`notification ${uuid} not found in ${targetName(target)}`);
  if (rotate && doc.previous_secret_expires_at && expiresAt) deps.secretExpiry.schedule(uuid, expiresAt);
  await publish(deps, () => deps.changes.upsert(doc));
  return notificationView(doc, { mask: false, withSigningSecret: rotate });
}

export async function getNotification(deps: ApiDeps, target: ScopeTarget, uuid: string): Promise<unknown> {
  return notificationView(await owned(deps, target, uuid), { mask: false });
}

export async function deleteNotification(deps: ApiDeps, target: ScopeTarget, uuid: string, reply: FastifyReply, who: Principal): Promise<void> {
  const n = await owned(deps, target, uuid);
  const audited = { actor: who.subject, action: 'delete', scope: notificationScope(n), notification_uuid: uuid, changes: deletedChanges(n) } as const;
  await deps.auditor.record(audited, async () => {
    const deleted = await deps.notifications.delete(uuid);
    if (!deleted) throw new NotFoundError(`notification ${uuid} not found in ${targetName(target)}`);
    await publish(deps, () => deps.changes.remove(deleted));
  });
  void reply.code(204);
}

export async function resetNotification(deps: ApiDeps, target: ScopeTarget, uuid: string, reply: FastifyReply, who: Principal): Promise<void> {
  const n = await owned(deps, target, uuid);
  const changes = [
    { field: 'number_of_failures', before: n.number_of_failures, after: 0 },
    { field: 'disabled', before: n.disabled, after: false },
  ];
  await deps.auditor.record({ actor: who.subject, action: 'reset', scope: notificationScope(n), notification_uuid: uuid, changes }, async () => {
    const reset = await deps.notifications.reset(uuid);
    if (!reset) throw new NotFoundError(`notification ${uuid} not found in ${targetName(target)}`);
    await publish(deps, () => deps.changes.upsert(reset));
  });
  void reply.code(204);
}

export async function notificationAction(
  deps: ApiDeps,
  target: ScopeTarget,
  uuid: string,
  action: NotificationAction,
  reply: FastifyReply,
  who: Principal,
): Promise<unknown> {
  const n = await owned(deps, target, uuid);
  const audited = (a: 'test' | 'redrive') => ({ actor: who.subject, action: a, scope: notificationScope(n), notification_uuid: uuid });
  switch (action) {
    case 'test': {
      const queued = await deps.auditor.record(
        audited('test'),
        async () => {
          try {
            return await bounded(deps.testDelivery.send(n));
          } catch (err) {
            throw new UpstreamError(503, 'the test notification could not be queued; retry', err);
          }
        },
        (q) => ({ delivery_id: q.delivery_id }),
      );
      // Quay answers `{}`; the delivery id (the `webhook-id` the receiver sees) rides in a header.
      void reply.header(DELIVERY_ID_HEADER, queued.delivery_id);
      return {};
    }
    case 'attempts': {
      const attempts = await deps.attempts.list(n.uuid, { limit: 200 });
      return { attempts: attempts.map(({ notification_uuid: _n, ...a }) => a) };
    }
    case 'redrive': {
      const r = await deps.auditor.record(
        audited('redrive'),
        async () => {
          try {
            return await deps.redrive(n);
          } catch (err) {
            throw new UpstreamError(503, 'the dead-lettered jobs could not be re-driven; retry', err);
          }
        },
        (x) => ({ found: x.found, redriven: x.redriven }),
      );
      return { found: r.found, redriven: r.redriven, already_redriven: r.alreadyRedriven, undecodable: r.undecodable, delivery_ids: r.deliveryIds };
    }
  }
}
