import { randomBytes, randomUUID } from 'node:crypto';
import type { FastifyReply } from 'fastify';
import { ValidationError } from '@herald/errors';
import { VersionConflictError, type NotificationDoc, type NotificationEdit } from '@herald/subscriptions';
import type { Principal } from '@herald/auth';
import type { ApiDeps } from '../deps.js';
import { ConflictError, NotFoundError, UpstreamError } from '../http/http-errors.js';
import { notificationView } from '../present/notification-view.js';
import { checkCreateRequest } from '../validation/create-request.js';
import type { NotificationAction } from './repository-path.js';

/** Standard Webhooks signing secret: `whsec_` + base64 of 32 random bytes. */
export function newSigningSecret(): string {
  return `whsec_${randomBytes(32).toString('base64')}`;
}

/** The notification, only if it belongs to `repository` (Quay did not check this; we do). */
async function owned(deps: ApiDeps, repository: string, uuid: string): Promise<NotificationDoc> {
  const n = uuid.length <= 100 ? await deps.notifications.get(uuid) : null;
  if (!n || n.repository !== repository) throw new NotFoundError(`notification ${uuid.slice(0, 100)} not found in ${repository}`);
  return n;
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

export async function listNotifications(deps: ApiDeps, repository: string): Promise<unknown> {
  const docs = await deps.notifications.listByRepository(repository);
  return { notifications: docs.map((d) => notificationView(d, { mask: true })) };
}

export async function createNotification(
  deps: ApiDeps,
  repository: string,
  body: unknown,
  who: Principal,
  reply: FastifyReply,
): Promise<unknown> {
  const req = await checkCreateRequest(body, {
    repository,
    isEmailConfirmed: (repo, email) => deps.emails.isConfirmed(repo, email),
    checkDestination: (method, field, url) => deps.destinations.check(method, field, url),
  });
  const doc = await deps.notifications.insert({
    uuid: randomUUID(),
    repository,
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
export async function updateNotification(deps: ApiDeps, repository: string, uuid: string, body: unknown): Promise<unknown> {
  const current = await owned(deps, repository, uuid);
  const extras = body as UpdateExtras;
  const req = await checkCreateRequest(body, {
    repository,
    isEmailConfirmed: (repo, email) => deps.emails.isConfirmed(repo, email),
    checkDestination: (method, field, url) => deps.destinations.check(method, field, url),
  });
  if (req.method !== current.method) throw new ValidationError('method', `cannot change (the notification is a ${current.method} one; create a new notification instead)`);
  if (req.event !== current.event) throw new ValidationError('event', `cannot change (the notification is for ${current.event}; create a new notification instead)`);
  const rotate = extras.rotate_secret === true;
  if (rotate && current.method !== 'webhook') throw new ValidationError('rotate_secret', 'only webhooks have a signing secret');
  if (extras.secret_overlap_seconds !== undefined && !rotate) throw new ValidationError('secret_overlap_seconds', 'only with rotate_secret');
  const version = extras.version ?? current.version;
  if (version !== current.version) throw new ConflictError(`notification ${uuid} is at version ${current.version}, not ${version}; read it again and re-apply the edit`);
  const changes: NotificationEdit = { title: req.title, config: req.config, event_config: req.event_config };
  let expiresAt: Date | undefined;
  if (rotate) {
    const overlapMs = extras.secret_overlap_seconds === undefined ? deps.secretOverlapMs : extras.secret_overlap_seconds * 1000;
    expiresAt = new Date(Date.now() + overlapMs);
    Object.assign(changes, {
      signing_secret: newSigningSecret(),
      previous_signing_secret: overlapMs > 0 ? current.signing_secret : null,
      previous_secret_expires_at: overlapMs > 0 ? expiresAt : null,
    });
  }
  let doc: NotificationDoc | null;
  try {
    doc = await deps.notifications.edit(uuid, version, changes);
  } catch (err) {
    if (err instanceof VersionConflictError) throw new ConflictError(`notification ${uuid} changed while this edit was applied (now version ${err.actual}); read it again and re-apply the edit`);
    throw err;
  }
  if (!doc) throw new NotFoundError(`notification ${uuid} not found in ${repository}`);
  if (rotate && doc.previous_secret_expires_at && expiresAt) deps.secretExpiry.schedule(uuid, expiresAt);
  await publish(deps, () => deps.changes.upsert(doc));
  return notificationView(doc, { mask: false, withSigningSecret: rotate });
}

export async function getNotification(deps: ApiDeps, repository: string, uuid: string): Promise<unknown> {
  return notificationView(await owned(deps, repository, uuid), { mask: false });
}

export async function deleteNotification(deps: ApiDeps, repository: string, uuid: string, reply: FastifyReply): Promise<void> {
  await owned(deps, repository, uuid);
  const deleted = await deps.notifications.delete(uuid);
  if (!deleted) throw new NotFoundError(`notification ${uuid} not found in ${repository}`);
  await publish(deps, () => deps.changes.remove(deleted));
  void reply.code(204);
}

export async function resetNotification(deps: ApiDeps, repository: string, uuid: string, reply: FastifyReply): Promise<void> {
  await owned(deps, repository, uuid);
  const reset = await deps.notifications.reset(uuid);
  if (!reset) throw new NotFoundError(`notification ${uuid} not found in ${repository}`);
  await publish(deps, () => deps.changes.upsert(reset));
  void reply.code(204);
}

export async function notificationAction(
  deps: ApiDeps,
  repository: string,
  uuid: string,
  action: NotificationAction,
  reply: FastifyReply,
): Promise<unknown> {
  const n = await owned(deps, repository, uuid);
  switch (action) {
    case 'test': {
      let queued: { delivery_id: string };
      try {
        queued = await bounded(deps.testDelivery.send(n));
      } catch (err) {
        throw new UpstreamError(503, 'the test notification could not be queued; retry', err);
      }
      // Quay answers `{}`; the delivery id (the `webhook-id` the receiver sees) rides in a header.
      void reply.header(DELIVERY_ID_HEADER, queued.delivery_id);
      return {};
    }
    case 'attempts': {
      const attempts = await deps.attempts.list(n.uuid, { limit: 200 });
      return { attempts: attempts.map(({ notification_uuid: _n, ...a }) => a) };
    }
    case 'redrive': {
      try {
        const r = await deps.redrive(n);
        return { found: r.found, redriven: r.redriven, already_redriven: r.alreadyRedriven, undecodable: r.undecodable, delivery_ids: r.deliveryIds };
      } catch (err) {
        throw new UpstreamError(503, 'the dead-lettered jobs could not be re-driven; retry', err);
      }
    }
  }
}
