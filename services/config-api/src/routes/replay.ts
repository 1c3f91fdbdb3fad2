import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { requireRepositoryAdmin, type Principal } from '@herald/auth';
import type { NotificationDoc } from '@herald/subscriptions';
import type { ApiDeps } from '../deps.js';
import { authenticate } from '../http/authenticate.js';
import { ConflictError, NotFoundError } from '../http/http-errors.js';
import type { ReplayDoc } from '../replay/replay-store.js';
import { schemaError } from '../schemas/ajv.js';
import { ADMIN_ERRORS, BEARER, NotificationParams, err } from '../schemas/common.js';
import { ReplayRequest, ReplayStatus } from '../schemas/replay.js';
import { REPOSITORY_PREFIX } from './repository-path.js';

interface Params {
  repository: string;
  uuid: string;
}

const principals = new WeakMap<FastifyRequest, Principal>();

/** Token (401), params (400), admin of the repository (403): before the body is judged. */
function repositoryAdmin(deps: ApiDeps) {
  return async (req: FastifyRequest): Promise<void> => {
    const who = await authenticate(deps.verifier, req);
    const validate = req.getValidationFunction('params');
    if (validate && !validate(req.params)) throw schemaError((validate.errors ?? []) as never, 'params');
    requireRepositoryAdmin(who, (req.params as Params).repository);
    principals.set(req, who);
  };
}

/** The repository notification `uuid` of `repository` (404 otherwise). */
async function repositoryNotification(deps: ApiDeps, { repository, uuid }: Params): Promise<NotificationDoc> {
  const n = uuid.length <= 100 ? await deps.notifications.get(uuid) : null;
  if (!n || n.repository !== repository || (n.scope ?? 'repository') !== 'repository') {
    throw new NotFoundError(`notification ${uuid.slice(0, 100)} not found in ${repository}`);
  }
  return n;
}

export function replayView(r: ReplayDoc): Record<string, unknown> {
  return {
    id: r.id,
    notification_uuid: r.notification_uuid,
    state: r.state,
    from: r.from.toISOString(),
    to: r.to.toISOString(),
    scanned: r.scanned,
    matched: r.matched,
    produced: r.produced,
    done: r.done,
    total: r.total,
    requested_by: r.requested_by,
    created_at: r.created_at.toISOString(),
    finished_at: r.finished_at ? r.finished_at.toISOString() : null,
    error: r.error,
  };
}

/**
 * `…/notification/{uuid}/replay` (issue 18): POST starts a replay of a time window of the event log
 * for this notification (202), GET shows the latest one's progress, DELETE cancels a running one.
 */
export function registerReplayRoutes(app: FastifyInstance, deps: ApiDeps): void {
  const path = `${REPOSITORY_PREFIX}:repository/notification/:uuid/replay`;
  const schema = (summary: string, extra: Record<string, unknown>, responses: Record<number, unknown>) => ({
    preValidation: repositoryAdmin(deps),
    schema: { summary, tags: ['repository'], security: BEARER, params: NotificationParams, ...extra, response: { ...responses, ...ADMIN_ERRORS } },
  });
  app.post(
    path,
    schema(
      'Herald: replay a time window of the event log to this notification — its current filters apply, disabled or not; each matching event gets a job with its original delivery id',
      { body: ReplayRequest },
      {
        202: { ...ReplayStatus, description: 'Started; follow it with GET' },
        404: err('No such notification in this repository'),
        409: err('A replay of this notification is running'),
        503: err('The event log could not be read'),
      },
    ),
    async (req: FastifyRequest, reply: FastifyReply) => {
      const n = await repositoryNotification(deps, req.params as Params);
      const body = req.body as { from: string; to: string };
      const who = principals.get(req);
      const doc = await deps.replays.start(n, new Date(body.from), new Date(body.to), who?.subject ?? '');
      void reply.code(202);
      return replayView(doc);
    },
  );
  app.get(
    path,
    schema('Herald: the latest replay of this notification and its progress', {}, { 200: ReplayStatus, 404: err('No such notification, or it was never replayed') }),
    async (req: FastifyRequest) => {
      const n = await repositoryNotification(deps, req.params as Params);
      const doc = await deps.replays.get(n.uuid);
      if (!doc) throw new NotFoundError(`notification ${n.uuid} was never replayed`);
      return replayView(doc);
    },
  );
  app.delete(
    path,
    schema('Herald: cancel the running replay of this notification (jobs already queued stay queued)', {}, {
      200: { ...ReplayStatus, description: 'Cancelled' },
      404: err('No such notification in this repository'),
      409: err('No replay of this notification is running'),
    }),
    async (req: FastifyRequest) => {
      const n = await repositoryNotification(deps, req.params as Params);
      const doc = await deps.replays.cancel(n.uuid);
      if (!doc) throw new ConflictError(`no replay of notification ${n.uuid} is running`);
      return replayView(doc);
    },
  );
}
