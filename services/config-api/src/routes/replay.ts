import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Principal } from '@herald/auth';
import { notificationScope } from '../audit/auditor.js';
import type { ApiDeps } from '../deps.js';
import { ConflictError, NotFoundError } from '../http/http-errors.js';
import type { ReplayDoc } from '../replay/replay-store.js';
import { BEARER, err } from '../schemas/common.js';
import { ReplayRequest, ReplayStatus } from '../schemas/replay.js';
import type { ScopeRouteSpec } from './notification-routes.js';
import { owned } from './notifications.js';

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
 * `…/notification/{uuid}/replay` of one scope (issue 18): POST starts a replay of a time window of
 * the event log for the notification (202), GET shows the latest one's progress, DELETE cancels a
 * running one. The notification's scope applies to the replayed events as it does in the router.
 * `principalOf` gives the caller the scope's guard authorized (registerNotificationRoutes passes its own).
 */
export function registerReplayRoutes(app: FastifyInstance, deps: ApiDeps, spec: ScopeRouteSpec, principalOf: (req: FastifyRequest) => Principal): void {
  const path = `${spec.base}/${spec.collection ?? 'notification'}/:uuid/replay`;
  const missing = err(spec.missing);
  const op = (summary: string, extra: Record<string, unknown>, responses: Record<number, unknown>) => ({
    preValidation: spec.preValidation,
    schema: { summary, tags: [spec.tag], security: BEARER, params: spec.notificationParams, ...extra, response: { ...responses, ...spec.errors } },
  });
  const notification = (req: FastifyRequest) => owned(deps, spec.target(req), (req.params as { uuid: string }).uuid);
  app.post(
    path,
    op(
      'Herald: replay a time window of the event log to this notification — its current filters apply, disabled or not; each matching event gets a job with its original delivery id',
      { body: ReplayRequest },
      {
        202: { ...ReplayStatus, description: 'Started; follow it with GET' },
        404: missing,
        409: err('A replay of this notification is running'),
        429: err('This instance runs `REPLAY_MAX_CONCURRENT` replays already (`Retry-After` says when to ask again)'),
        503: err('The event log could not be read'),
      },
    ),
    async (req: FastifyRequest, reply: FastifyReply) => {
      const n = await notification(req);
      const body = req.body as { from: string; to: string };
      const who = principalOf(req).subject;
      const audited = { actor: who, action: 'replay', scope: notificationScope(n), notification_uuid: n.uuid } as const;
      const doc = await deps.auditor.record(
        audited,
        () => deps.replays.start(n, new Date(body.from), new Date(body.to), who),
        (d) => ({ replay_id: d.id, from: d.from.toISOString(), to: d.to.toISOString() }),
      );
      void reply.code(202);
      return replayView(doc);
    },
  );
  app.get(path, op('Herald: the latest replay of this notification and its progress', {}, { 200: ReplayStatus, 404: err(`${spec.missing}, or it was never replayed`) }), async (req) => {
    const n = await notification(req);
    const doc = await deps.replays.get(n.uuid);
    if (!doc) throw new NotFoundError(`notification ${n.uuid} was never replayed`);
    return replayView(doc);
  });
  app.delete(
    path,
    op('Herald: cancel the running replay of this notification (jobs already queued stay queued)', {}, {
      200: { ...ReplayStatus, description: 'Cancelled; `finished_at` is set once it has stopped' },
      404: missing,
      409: err('No replay of this notification is running'),
    }),
    async (req) => {
      const n = await notification(req);
      const audited = { actor: principalOf(req).subject, action: 'replay_cancel', scope: notificationScope(n), notification_uuid: n.uuid } as const;
      const doc = await deps.auditor.record(
        audited,
        async () => {
          const cancelled = await deps.replays.cancel(n.uuid);
          if (!cancelled) throw new ConflictError(`no replay of notification ${n.uuid} is running`);
          return cancelled;
        },
        (d) => ({ replay_id: d.id }),
      );
      return replayView(doc);
    },
  );
}
