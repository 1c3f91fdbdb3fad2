import type { NotificationView } from '../../src/present/notification-view.js';
import { scopeApiPath, type Scope } from './scope.js';

/** A failed API call, carrying what the server's JSON error body says (`error_message`, `field`). */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly field: string | undefined,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

/** Raised for 401: the token is missing, invalid or expired, and the user must sign in again. */
export class SignedOutError extends ApiError {}

/** A notification as the API returns it: the server's view type (a type-only import, nothing is bundled). */
export type Notification = NotificationView;

export interface InAppNotification {
  uuid: string;
  kind: string;
  created: string;
  metadata: Record<string, unknown>;
  dismissed: boolean;
  repository: string;
}

export interface EmailAuthorization {
  email: string;
  repository: string;
  confirmed: boolean;
}

/** One attempt of the attempt log (SPEC §4). */
export interface Attempt {
  delivery_id?: string;
  attempt?: number;
  time?: string;
  outcome?: string;
  status_code?: number | null;
  error?: string | null;
  duration_ms?: number;
  test?: boolean;
}

/** An HTTP exchange of an inspected attempt (secrets masked by the server). */
export interface Exchange {
  method?: string;
  url?: string;
  status?: number;
  headers?: Record<string, string | string[]>;
  body?: string;
  body_bytes?: number;
  body_truncated?: boolean;
}

/** An attempt with its inspection (`GET …/deliveries`, `…/attempts/{attempt_id}`; issue 18). */
export interface InspectedAttempt extends Attempt {
  attempt_id: string;
  delivery_id: string;
  error_class?: string | null;
  request: Exchange | null;
  response: Exchange | null;
  resent_from?: string | null;
}

export type HealthWindow = '1h' | '24h';

/** One window's figures of the endpoint health. */
export interface HealthFigures {
  attempts?: number;
  success?: number;
  retry?: number;
  dead_letter?: number;
  success_rate?: number | null;
  p50_ms?: number | null;
  p99_ms?: number | null;
  last_error?: { time?: string; error?: string; status_code?: number | null } | string | null;
}

export interface HealthPoint {
  t: string;
  success: number;
  retry: number;
  dead_letter: number;
}

export interface EndpointHealth {
  breaker: { state: string; destination: string | null; since?: string | null; next_probe_at?: string | null; consecutive_failures?: number | null };
  windows: Record<HealthWindow, HealthFigures>;
  series: { window: HealthWindow; bucket_seconds: number; points: HealthPoint[] };
}

/** One of a repository's recent build refs (`GET …/recentrefs`). */
export interface RecentRef {
  ref: string;
  /** RFC 2822. */
  last_seen: string;
}

export interface CreateRequest {
  event: string;
  method: string;
  config: Record<string, unknown>;
  eventConfig: Record<string, unknown>;
  title?: string;
}

/** A `PUT`'s body: the create body, the version it is based on, and an optional secret rotation. */
export interface UpdateRequest extends Omit<CreateRequest, 'title'> {
  title?: string | null;
  version: number;
  rotate_secret?: boolean;
  secret_overlap_seconds?: number;
}

/** Repository names may hold `/`: each segment is encoded, the slashes are kept. */
export function repositoryPath(repository: string): string {
  return `/api/v1/repository/${repository.split('/').map(encodeURIComponent).join('/')}`;
}

async function errorOf(res: Response): Promise<ApiError> {
  let message = `${res.status} ${res.statusText}`.trim();
  let field: string | undefined;
  try {
    const body = (await res.json()) as Record<string, unknown>;
    if (typeof body['error_message'] === 'string') message = body['error_message'];
    else if (typeof body['error'] === 'string') message = body['error'];
    if (typeof body['field'] === 'string') field = body['field'];
  } catch {
    // Not JSON (a proxy's error page): the status line is all there is.
  }
  return res.status === 401 ? new SignedOutError(401, message, field) : new ApiError(res.status, message, field);
}

/** The JSON API, called with the bearer token. */
export class Api {
  constructor(private readonly token: string) {}

  async call<T>(method: string, path: string, body?: unknown): Promise<T> {
    const res = await this.send(method, path, body);
    if (res.status === 204) return undefined as T;
    const text = await res.text();
    return (text === '' ? undefined : JSON.parse(text)) as T;
  }

  /** The raw response of a successful call (for its headers); throws ApiError otherwise. */
  private async send(method: string, path: string, body?: unknown): Promise<Response> {
    const headers: Record<string, string> = { authorization: `Bearer ${this.token}`, accept: 'application/json' };
    const init: RequestInit = { method, headers, cache: 'no-store', credentials: 'omit', redirect: 'error' };
    if (body !== undefined) {
      headers['content-type'] = 'application/json';
      init.body = JSON.stringify(body);
    }
    const res = await fetch(path, init);
    if (!res.ok) throw await errorOf(res);
    return res;
  }

  async listNotifications(scope: Scope): Promise<Notification[]> {
    const r = await this.call<{ notifications: Notification[] }>('GET', `${scopeApiPath(scope)}/notification/`);
    return r.notifications;
  }

  createNotification(scope: Scope, req: CreateRequest): Promise<Notification> {
    return this.call('POST', `${scopeApiPath(scope)}/notification/`, req);
  }

  /** The refs the repository's recent builds were triggered for, newest first. */
  async recentRefs(repository: string): Promise<RecentRef[]> {
    const r = await this.call<{ refs: RecentRef[] }>('GET', `${repositoryPath(repository)}/recentrefs`);
    return r.refs;
  }

  private notificationPath(scope: Scope, uuid: string): string {
    return `${scopeApiPath(scope)}/notification/${encodeURIComponent(uuid)}`;
  }

  /** One notification, config unmasked (what the edit form starts from), with its `version`. */
  getNotification(scope: Scope, uuid: string): Promise<Notification> {
    return this.call('GET', this.notificationPath(scope, uuid));
  }

  /** `PUT`: the notification becomes `req`; 409 when it changed since `version`. */
  updateNotification(scope: Scope, uuid: string, req: UpdateRequest): Promise<Notification> {
    return this.call('PUT', this.notificationPath(scope, uuid), req);
  }

  deleteNotification(scope: Scope, uuid: string): Promise<void> {
    return this.call('DELETE', this.notificationPath(scope, uuid));
  }

  resetNotification(scope: Scope, uuid: string): Promise<void> {
    return this.call('POST', this.notificationPath(scope, uuid));
  }

  /** Quay's `{}` answer; the delivery id comes in the `X-Herald-Delivery-Id` header. */
  async testNotification(scope: Scope, uuid: string): Promise<{ delivery_id?: string }> {
    const res = await this.send('POST', `${this.notificationPath(scope, uuid)}/test`);
    const id = res.headers.get('x-herald-delivery-id');
    return id ? { delivery_id: id } : {};
  }

  attempts(scope: Scope, uuid: string): Promise<unknown> {
    return this.call('GET', `${this.notificationPath(scope, uuid)}/attempts`);
  }

  redrive(scope: Scope, uuid: string): Promise<unknown> {
    return this.call('POST', `${this.notificationPath(scope, uuid)}/redrive`);
  }

  /** Inspected attempts, newest first (request and response without bodies; issue 18). */
  async deliveries(scope: Scope, uuid: string): Promise<InspectedAttempt[]> {
    const r = await this.call<{ attempts: InspectedAttempt[] }>('GET', `${this.notificationPath(scope, uuid)}/deliveries?limit=100`);
    return r.attempts;
  }

  /** One attempt in full: what was sent (masked) and what was answered. */
  attempt(scope: Scope, uuid: string, attemptId: string): Promise<InspectedAttempt> {
    return this.call('GET', `${this.notificationPath(scope, uuid)}/attempts/${encodeURIComponent(attemptId)}`);
  }

  /** A new attempt of one delivery's job, with the same `webhook-id`. */
  resend(scope: Scope, uuid: string, deliveryId: string): Promise<{ delivery_id: string; resent_from: string; attempt: number }> {
    return this.call('POST', `${this.notificationPath(scope, uuid)}/deliveries/${encodeURIComponent(deliveryId)}/resend`);
  }

  /** Endpoint health over 1 h and 24 h, the breaker, and attempts over time in `window`. */
  health(scope: Scope, uuid: string, window: HealthWindow): Promise<EndpointHealth> {
    return this.call('GET', `${this.notificationPath(scope, uuid)}/health?window=${window}`);
  }

  private emailPath(repository: string, email: string): string {
    return `${repositoryPath(repository)}/authorizedemail/${encodeURIComponent(email)}`;
  }

  getEmailAuthorization(repository: string, email: string): Promise<EmailAuthorization> {
    return this.call('GET', this.emailPath(repository, email));
  }

  requestEmailAuthorization(repository: string, email: string): Promise<EmailAuthorization> {
    return this.call('POST', this.emailPath(repository, email));
  }

  /** The caller's undismissed in-app notifications, newest first (the first 50). */
  inAppPage(): Promise<{ notifications: InAppNotification[]; has_additional: boolean }> {
    return this.call('GET', '/api/v1/user/notifications?limit=50');
  }

  dismiss(uuid: string): Promise<InAppNotification> {
    return this.call('PUT', `/api/v1/user/notifications/${encodeURIComponent(uuid)}`, { dismissed: true });
  }
}
