import type { FastifyInstance, FastifyReply, FastifyRequest, RouteShorthandOptions } from 'fastify';
import type { Principal } from '@herald/auth';
import type { TSchema } from 'typebox';
import type { ApiDeps } from '../deps.js';
import { authenticate } from '../http/authenticate.js';
import { MethodNotAllowedError, NotFoundError } from '../http/http-errors.js';
import { schemaError } from '../schemas/ajv.js';
import { BEARER, err, noContent } from '../schemas/common.js';
import { Attempts, Notification, NotificationCreateRequest, NotificationList, NotificationUpdateRequest, RedriveResult, TestResult } from '../schemas/notification.js';
import { prepareCreateBody } from '../validation/create-request.js';
import {
  DELIVERY_ID_HEADER,
  createNotification,
  deleteNotification,
  getNotification,
  listNotifications,
  notificationAction,
  resetNotification,
  updateNotification,
  type ScopeTarget,
} from './notifications.js';
import { ALLOWED_METHODS } from './repository-path.js';
import { registerReplayRoutes } from './replay.js';

const principals = new WeakMap<FastifyRequest, Principal>();

/** The caller, as the route's guard authorized it. */
export function principalOf(req: FastifyRequest): Principal {
  const who = principals.get(req);
  if (!who) throw new Error('notification route without its authorization check');
  return who;
}

/**
 * A route guard run before the schemas judge the request: token (401), the route's own params
 * schema (400 naming the field), then `authorize` (403). A caller who may not touch the scope
 * learns nothing from a body's 400.
 */
export function guard(deps: ApiDeps, authorize: (who: Principal, params: Record<string, string>) => void) {
  return async (req: FastifyRequest): Promise<void> => {
    const who = await authenticate(deps.verifier, req);
    const validate = req.getValidationFunction('params');
    if (validate && !validate(req.params)) throw schemaError((validate.errors ?? []) as never, 'params');
    authorize(who, (req.params ?? {}) as Record<string, string>);
    principals.set(req, who);
  };
}

/** One scope's notification routes: where they live, who may use them, what they address. */
export interface ScopeRouteSpec {
  /** The path before `/notification/`, with its parameters (`/api/v1/organization/:namespace`). */
  base: string;
  /** The collection's segment after the base: `notification` unless said (Quay's user namespace has `namespacenotifications`). */
  collection?: string;
  /** The OpenAPI tag. */
  tag: string;
  /** Params schemas of `…/notification/` and `…/notification/{uuid}[/…]`; none when the base has no parameters. */
  listParams?: TSchema;
  notificationParams: TSchema;
  /** From the guard (before the schemas). */
  preValidation: (req: FastifyRequest) => Promise<void>;
  /** The scope the request addresses, once the guard passed. */
  target(req: FastifyRequest): ScopeTarget;
  /** What the list holds, for its summary (“the repository’s notifications”). */
  listed: string;
  /** The 404 of a uuid not in this scope. */
  missing: string;
  /** The errors every route of the scope can give (400, 401, 403, 405). */
  errors: Record<number, unknown>;
}

/** The actions registerNotificationRoutes mounts below `{collection}/{uuid}`, with their methods. */
const SCOPED_ACTIONS: Readonly<Record<string, readonly string[]>> = { test: ['POST'], attempts: ['GET'], redrive: ['POST'], replay: ['GET', 'POST', 'DELETE'] };

const noBody = (reply: FastifyReply, result: unknown): unknown => (reply.statusCode === 204 ? reply.send() : result);

const uuidOf = (req: FastifyRequest): string => (req.params as { uuid: string }).uuid;

/** The notification routes of one scope: list, create, get, edit, delete, reset, test, attempts, re-drive, replay. */
export function registerNotificationRoutes(app: FastifyInstance, deps: ApiDeps, spec: ScopeRouteSpec): void {
  const B = `${spec.base}/${spec.collection ?? 'notification'}`;
  const op = (summary: string, schema: Record<string, unknown>, responses: Record<number, unknown>): RouteShorthandOptions => ({
    preValidation: spec.preValidation,
    schema: { summary, tags: [spec.tag], security: BEARER, ...schema, response: { ...responses, ...spec.errors } },
  });
  const listParams = spec.listParams ? { params: spec.listParams } : {};
  const params = { params: spec.notificationParams };
  const missing = err(spec.missing);
  const withBody = (opts: RouteShorthandOptions): RouteShorthandOptions => ({
    ...opts,
    preValidation: [spec.preValidation, async (req: FastifyRequest) => void (req.body = prepareCreateBody(req.body))],
  });
  const t = spec.target;

  app.get(`${B}/`, op(`List ${spec.listed} (secrets masked)`, listParams, { 200: NotificationList }), (req) => listNotifications(deps, t(req)));
  app.post(
    `${B}/`,
    withBody(
      op('Create a notification', { ...listParams, body: NotificationCreateRequest }, {
        201: { ...Notification, description: 'Created; the only response that carries `signing_secret`' },
        503: err('Stored, but the subscription feed (Kafka) did not take it; retry'),
      }),
    ),
    (req, reply) => createNotification(deps, t(req), req.body, principalOf(req), reply),
  );
  app.get(
    `${B}/:uuid`,
    op('One notification (config unmasked, never the signing secret)', params, { 200: Notification, 404: missing }),
    (req) => getNotification(deps, t(req), uuidOf(req)),
  );
  app.put(
    `${B}/:uuid`,
    withBody(
      op('Herald: edit a notification (the create body, same validation); webhooks keep or rotate their signing secret', { ...params, body: NotificationUpdateRequest }, {
        200: { ...Notification, description: 'Updated; carries `signing_secret` only when `rotate_secret` replaced it' },
        404: missing,
        409: err('The notification changed since `version` (or while the edit was applied); read it again'),
        503: err('Stored, but the subscription feed (Kafka) did not take it; retry'),
      }),
    ),
    (req) => updateNotification(deps, t(req), uuidOf(req), req.body, principalOf(req)),
  );
  app.delete(
    `${B}/:uuid`,
    op('Delete a notification', params, { 204: noContent('Deleted'), 404: missing }),
    async (req, reply) => noBody(reply, await deleteNotification(deps, t(req), uuidOf(req), reply, principalOf(req))),
  );
  app.post(
    `${B}/:uuid`,
    op('Reset `number_of_failures` to 0 and re-enable', params, { 204: noContent('Reset'), 404: missing }),
    async (req, reply) => noBody(reply, await resetNotification(deps, t(req), uuidOf(req), reply, principalOf(req))),
  );
  app.post(
    `${B}/:uuid/test`,
    op('Deliver the event kind’s sample data to this notification through the pipeline', params, {
      200: { ...TestResult, description: `Queued: \`{}\` as in Quay; the delivery id (the \`webhook-id\` the receiver sees) is in \`${DELIVERY_ID_HEADER}\`` },
      404: missing,
      503: err('The test notification could not be queued'),
    }),
    (req, reply) => notificationAction(deps, t(req), uuidOf(req), 'test', reply, principalOf(req)),
  );
  app.get(
    `${B}/:uuid/attempts`,
    op('The attempt log: every delivery attempt (time, outcome, status code or error, duration), newest first', params, {
      200: Attempts,
      404: missing,
    }),
    (req, reply) => notificationAction(deps, t(req), uuidOf(req), 'attempts', reply, principalOf(req)),
  );
  app.post(
    `${B}/:uuid/redrive`,
    op('Re-drive the dead-lettered deliveries of this notification (each at most once)', params, {
      200: RedriveResult,
      404: missing,
      503: err('Kafka is unavailable'),
    }),
    (req, reply) => notificationAction(deps, t(req), uuidOf(req), 'redrive', reply, principalOf(req)),
  );
  registerReplayRoutes(app, deps, spec, principalOf);
}

/**
 * The methods a path under a scope's notification routes takes, from the segments after its base
 * (`{collection}`, `{collection}/{uuid}`, `{collection}/{uuid}/{action}`), or null when it is no
 * such path — for the 405 (naming them) or 404 of a method no route takes.
 */
export function notificationPathMethods(segments: readonly string[], collections: readonly string[] = ['notification']): readonly string[] | null {
  const segs = segments.length > 1 && segments[segments.length - 1] === '' ? segments.slice(0, -1) : segments;
  if (!collections.includes(segs[0] ?? '')) return null;
  if (segs.length === 1) return ALLOWED_METHODS.notifications;
  if (segs[1] === '' || segs[1] === undefined) return null;
  if (segs.length === 2) return ALLOWED_METHODS.notification;
  const action = segs[2] ?? '';
  return segs.length === 3 && Object.hasOwn(SCOPED_ACTIONS, action) ? (SCOPED_ACTIONS[action] ?? null) : null;
}

/**
 * What no route of a scope takes under `prefix`: 405 naming the methods of a path that exists,
 * else 404, before any token check (as the repository routes). `segments` gives the path's
 * segments after the scope's base (null when the path is not under one).
 */
export function registerMethodFallback(
  app: FastifyInstance,
  prefix: string,
  segments: (rest: string[]) => string[] | null,
  collections: readonly string[] = ['notification'],
): void {
  app.route({
    method: ['GET', 'POST', 'PUT', 'DELETE', 'PATCH'],
    url: `${prefix}*`,
    schema: { hide: true },
    handler: async (req) => {
      const path = req.url.split('?', 1)[0] ?? '';
      const rest = segments(path.slice(prefix.length).split('/'));
      const allowed = rest === null ? null : notificationPathMethods(rest, collections);
      if (!allowed) throw new NotFoundError('no such route');
      throw new MethodNotAllowedError(allowed);
    },
  });
}
