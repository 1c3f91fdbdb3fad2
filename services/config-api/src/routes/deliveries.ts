import type { FastifyInstance, FastifyRequest } from 'fastify';
import { Type, type TSchema } from 'typebox';
import { destinationOf, type AttemptInspection, type EndpointHealth } from '@herald/delivery';
import type { BreakerState } from '@herald/store';
import type { NotificationDoc } from '@herald/subscriptions';
import type { ApiDeps } from '../deps.js';
import { NotFoundError, UpstreamError } from '../http/http-errors.js';
import { BEARER, err } from '../schemas/common.js';
import type { Principal } from '@herald/auth';
import { notificationScope } from '../audit/auditor.js';
import { principalOf } from './notification-routes.js';
import { owned, type ScopeTarget } from './notifications.js';

/** What the delivery routes need: inspection records, health aggregates, breaker state, resend. */
export interface DeliveryOps {
  /** A notification's inspection records, newest first (`deliveryId`: one delivery's attempts). */
  list(uuid: string, opts: { limit?: number; before?: Date; deliveryId?: string }): Promise<AttemptInspection[]>;
  get(uuid: string, attemptId: string): Promise<AttemptInspection | undefined>;
  health(uuid: string, window: '1h' | '24h'): Promise<EndpointHealth>;
  /** The breaker of a method's destination (`host:port`): its last transition, undefined when it never opened. */
  breaker(method: string, destination: string): Promise<BreakerState | undefined>;
  /** Every breaker of a method that ever opened (Flowdock and HipChat have one: their API host's). */
  breakers(method: string): Promise<BreakerState[]>;
  /** Publishes the delivery's stored job again; undefined when the delivery is not known. */
  resend(n: NotificationDoc, deliveryId: string): Promise<{ delivery_id: string; resent_from: string; attempt: number } | undefined>;
  /** Days inspection records (and so resendable jobs) are kept, for messages. */
  retentionDays: number;
}

/** One scope's delivery routes (a subset of the notification routes' ScopeRouteSpec: the same object fits). */
export interface DeliveryRouteSpec {
  base: string;
  collection?: string;
  tag: string;
  /** An object schema (its properties are extended with the route's own parameters). */
  notificationParams: TSchema;
  preValidation: (req: FastifyRequest) => Promise<void>;
  target(req: FastifyRequest): ScopeTarget;
  missing: string;
  errors: Record<number, unknown>;
}

const present = (a: AttemptInspection) => {
  const { notification_uuid: _n, id, ...rest } = a;
  return { attempt_id: id, ...rest };
};

export async function listDeliveries(deps: ApiDeps, target: ScopeTarget, uuid: string, q: { limit?: number | undefined; before?: string | undefined; delivery_id?: string | undefined }): Promise<unknown> {
  const n = await owned(deps, target, uuid);
  const before = q.before ? new Date(q.before) : undefined;
  const list = await deps.deliveries.list(n.uuid, { limit: q.limit ?? 50, ...(before && !Number.isNaN(before.getTime()) ? { before } : {}), ...(q.delivery_id ? { deliveryId: q.delivery_id } : {}) });
  // The list is for browsing: bodies are left out (the attempt's own route has them).
  return {
    attempts: list.map((a) => {
      const p = present(a);
      return {
        ...p,
        request: p.request ? { ...p.request, body: undefined } : null,
        response: p.response ? { ...p.response, body: undefined } : null,
      };
    }),
  };
}

export async function getAttempt(deps: ApiDeps, target: ScopeTarget, uuid: string, attemptId: string): Promise<unknown> {
  const n = await owned(deps, target, uuid);
  const a = await deps.deliveries.get(n.uuid, attemptId);
  if (!a) throw new NotFoundError(`attempt ${attemptId.slice(0, 100)} of notification ${n.uuid} not found (inspection records are kept ${deps.deliveries.retentionDays} days)`);
  return present(a);
}

export async function resend(deps: ApiDeps, target: ScopeTarget, uuid: string, deliveryId: string, who: Principal): Promise<unknown> {
  const n = await owned(deps, target, uuid);
  const audited = { actor: who.subject, action: 'resend', scope: notificationScope(n), notification_uuid: n.uuid } as const;
  return deps.auditor.record(
    audited,
    async () => {
      let r: Awaited<ReturnType<DeliveryOps['resend']>>;
      try {
        r = await deps.deliveries.resend(n, deliveryId);
      } catch (e) {
        throw new UpstreamError(503, 'the delivery could not be resent; retry', e);
      }
      if (!r) throw new NotFoundError(`delivery ${deliveryId.slice(0, 100)} of notification ${n.uuid} is not known (never attempted with inspection on, or older than ${deps.deliveries.retentionDays} days)`);
      return r;
    },
    (r) => ({ delivery_id: r.delivery_id, attempt: r.attempt }),
  );
}

/**
 * The breaker in front of `n`: its URL's destination's, or, for a method whose config has no URL
 * (Flowdock, HipChat: the delivery service's one API host), the method's only breaker if it has one.
 */
async function breakerOf(deps: ApiDeps, n: NotificationDoc, destination: string | undefined): Promise<BreakerState | undefined> {
  if (destination) return deps.deliveries.breaker(n.method, destination);
  if (n.method !== 'flowdock' && n.method !== 'hipchat') return undefined;
  const all = await deps.deliveries.breakers(n.method);
  return all.length === 1 ? all[0] : undefined;
}

export async function endpointHealth(deps: ApiDeps, target: ScopeTarget, uuid: string, window: '1h' | '24h'): Promise<unknown> {
  const n = await owned(deps, target, uuid);
  const destination = destinationOf(n);
  const [h, b] = await Promise.all([deps.deliveries.health(n.uuid, window), breakerOf(deps, n, destination)]);
  const at = destination ?? b?.destination;
  const breaker = !at
    ? { state: 'unknown', destination: null, since: null, next_probe_at: null, consecutive_failures: null }
    : b
      ? { state: b.state, destination: at, since: b.since, next_probe_at: b.next_probe_at, consecutive_failures: b.consecutive_failures }
      : { state: 'closed', destination: at, since: null, next_probe_at: null, consecutive_failures: 0 };
  return { notification_uuid: n.uuid, breaker, ...h };
}

const Nullable = <T extends ReturnType<typeof Type.String>>(t: T) => Type.Union([t, Type.Null()]);
const Exchange = Type.Object({}, { additionalProperties: true });
const InspectedAttempt = Type.Object(
  {
    attempt_id: Type.String({ description: 'The inspection record’s id (`…/attempts/{attempt_id}`)' }),
    delivery_id: Type.String({ description: 'Stable across attempts and resends; sent as `webhook-id`' }),
    attempt: Type.Integer(),
    time: Type.String({ format: 'date-time' }),
    outcome: Type.String({ enum: ['success', 'retry', 'dead_letter'] }),
    duration_ms: Type.Integer(),
    status_code: Type.Union([Type.Integer(), Type.Null()]),
    error_class: Nullable(Type.String()),
    error: Nullable(Type.String()),
    kind: Type.String(),
    test: Type.Boolean(),
    request: Type.Union([Exchange, Type.Null()], {
      description: '`method`, `url` (credentials, query values and token-like path segments masked), `headers` (secret-bearing ones masked; `webhook-signature` shown), `body` (up to INSPECTION_BODY_BYTES), `body_bytes`, `body_truncated`; null when no HTTP request was made',
    }),
    response: Type.Union([Exchange, Type.Null()], { description: '`status`, `headers`, `body` (up to 4 KiB), `body_bytes`, `body_truncated`; null without an answer' }),
    resent_from: Type.Union([Type.String(), Type.Null()], { description: 'The attempt id a resend repeated' }),
  },
  { additionalProperties: true },
);
const BucketWindow = Type.Object({}, { additionalProperties: true, description: '`attempts`, `success`, `retry`, `dead_letter`, `success_rate`, `p50_ms`, `p99_ms`, `last_error`' });
const Health = Type.Object(
  {
    notification_uuid: Type.String(),
    breaker: Type.Object({}, { additionalProperties: true, description: '`state` (closed, open, half_open; unknown when the notification has no URL), `destination`, `since`, `next_probe_at`, `consecutive_failures`' }),
    windows: Type.Object({ '1h': BucketWindow, '24h': BucketWindow }),
    series: Type.Object({}, { additionalProperties: true, description: '`window`, `bucket_seconds`, `points`: `{t, success, retry, dead_letter}` oldest first' }),
  },
  { additionalProperties: true },
);

/** A scope's delivery routes: inspection list and detail, resend one delivery, endpoint health. */
export function registerDeliveryRoutes(app: FastifyInstance, deps: ApiDeps, spec: DeliveryRouteSpec): void {
  const B = `${spec.base}/${spec.collection ?? 'notification'}/:uuid`;
  const missing = err(spec.missing);
  const base = (spec.notificationParams as { properties?: Record<string, TSchema> }).properties ?? {};
  const params = (extra: Record<string, TSchema>) => Type.Object({ ...base, ...extra });
  const op = (summary: string, schema: Record<string, unknown>, responses: Record<number, unknown>) => ({
    preValidation: spec.preValidation,
    schema: { summary, tags: [spec.tag], security: BEARER, ...schema, response: { ...responses, ...spec.errors } },
  });
  const t = spec.target;
  const prm = (req: FastifyRequest) => req.params as Record<string, string>;

  app.get(
    `${B}/deliveries`,
    op(
      'Herald: inspected attempts (request and response without bodies), newest first; `delivery_id` narrows to one delivery',
      {
        params: spec.notificationParams,
        querystring: Type.Object({
          limit: Type.Optional(Type.String({ pattern: '^0*([1-9][0-9]?|[1-4][0-9]{2}|500)$', 'x-error': 'must be an integer from 1 to 500' })),
          before: Type.Optional(Type.String({ format: 'date-time' })),
          delivery_id: Type.Optional(Type.String({ maxLength: 200 })),
        }),
      },
      { 200: Type.Object({ attempts: Type.Array(InspectedAttempt) }), 404: missing },
    ),
    (req) => {
      const q = req.query as { limit?: string; before?: string; delivery_id?: string };
      return listDeliveries(deps, t(req), prm(req)['uuid'] ?? '', { ...q, limit: q.limit === undefined ? undefined : Number(q.limit) });
    },
  );
  app.get(
    `${B}/attempts/:attempt_id`,
    op('Herald: one attempt in full — what was sent (masked) and what was answered', { params: params({ attempt_id: Type.String({ maxLength: 100 }) }) }, {
      200: InspectedAttempt,
      404: err('No such notification, or no such attempt of it (kept INSPECTION_RETENTION_DAYS)'),
    }),
    (req) => getAttempt(deps, t(req), prm(req)['uuid'] ?? '', prm(req)['attempt_id'] ?? ''),
  );
  app.post(
    `${B}/deliveries/:delivery_id/resend`,
    op('Herald: resend one delivery — a new attempt of that job with the same `webhook-id`, whatever its earlier outcome', { params: params({ delivery_id: Type.String({ maxLength: 200 }) }) }, {
      202: Type.Object({ delivery_id: Type.String(), resent_from: Type.String(), attempt: Type.Integer() }, { description: 'Queued on the job topic' }),
      404: err('No such notification, or the delivery is not known (never inspected, or past the retention)'),
      503: err('Kafka is unavailable'),
    }),
    async (req, reply) => {
      const r = await resend(deps, t(req), prm(req)['uuid'] ?? '', prm(req)['delivery_id'] ?? '', principalOf(req));
      void reply.code(202);
      return r;
    },
  );
  app.get(
    `${B}/health`,
    op(
      'Herald: endpoint health — success rate, attempts, p50/p99 latency and last error over 1 h and 24 h, breaker state, and attempts over time by outcome',
      { params: spec.notificationParams, querystring: Type.Object({ window: Type.Optional(Type.String({ enum: ['1h', '24h'] })) }) },
      { 200: Health, 404: missing },
    ),
    (req) => endpointHealth(deps, t(req), prm(req)['uuid'] ?? '', ((req.query as { window?: '1h' | '24h' }).window ?? '1h')),
  );
}

