export const REPOSITORY_PREFIX = '/api/v1/repository/';
export const NOTIFICATION_ACTIONS = ['test', 'attempts', 'redrive', 'replay', 'deliveries', 'health'] as const;
export type NotificationAction = (typeof NOTIFICATION_ACTIONS)[number];

/** What a path under `/api/v1/repository/` addresses. */
export type RepositoryRoute =
  | { kind: 'notifications'; repository: string }
  | { kind: 'notification'; repository: string; uuid: string }
  | { kind: 'notification-action'; repository: string; uuid: string; action: NotificationAction; sub?: string[] }
  | { kind: 'authorized-email'; repository: string; email: string }
  | { kind: 'recent-refs'; repository: string }
  | { kind: 'audit'; repository: string };

export const ALLOWED_METHODS: Record<RepositoryRoute['kind'], readonly string[]> = {
  notifications: ['GET', 'POST'],
  notification: ['GET', 'POST', 'PUT', 'DELETE'],
  'notification-action': [],
  'authorized-email': ['GET', 'POST', 'DELETE'],
  'recent-refs': ['GET'],
  audit: ['GET'],
};

export const ACTION_METHODS: Record<NotificationAction, readonly string[]> = {
  test: ['POST'],
  attempts: ['GET'],
  redrive: ['POST'],
  replay: ['GET', 'POST', 'DELETE'],
  deliveries: ['GET'],
  health: ['GET'],
};

/** Below an action: `attempts/{attempt_id}` (GET) and `deliveries/{delivery_id}/resend` (POST). */
const SUB_METHODS: Partial<Record<NotificationAction, readonly string[]>> = { attempts: ['GET'], deliveries: ['POST'] };

/** The path of an action after `…/notification/{uuid}`, its segments encoded. */
export function actionPath(route: { action: NotificationAction; sub?: string[] | undefined }): string {
  return `/${route.action}${route.sub ? route.sub.map((s) => `/${encodeURIComponent(s)}`).join('') : ''}`;
}

/** The methods an action's path takes. */
export function actionMethods(route: { action: NotificationAction; sub?: string[] | undefined }): readonly string[] {
  return route.sub ? (SUB_METHODS[route.action] ?? []) : ACTION_METHODS[route.action];
}

function decode(segment: string): string | null {
  try {
    return decodeURIComponent(segment);
  } catch {
    return null;
  }
}

/**
 * Parses the part of a URL path after `/api/v1/repository/`. Repository names may contain `/`, so
 * the route is recognised from the end: `…/notification/`, `…/notification/{uuid}`,
 * `…/notification/{uuid}/{test|attempts|redrive|replay|deliveries|health}`, `…/notification/{uuid}/attempts/{attempt_id}`,
 * `…/notification/{uuid}/deliveries/{delivery_id}/resend`, `…/authorizedemail/{email}`, `…/recentrefs`, `…/audit`; what precedes is the
 * repository. Returns null for anything else.
 */
export function parseRepositoryPath(rawRest: string): RepositoryRoute | null {
  const decoded = rawRest.split('/').map(decode);
  if (decoded.some((s) => s === null)) return null;
  const segs = decoded as string[];
  if (segs.length > 1 && segs[segs.length - 1] === '') segs.pop();
  const n = segs.length;
  const at = (i: number): string => segs[n + i] ?? '';
  const repo = (drop: number): string => segs.slice(0, n - drop).join('/');
  if (n >= 2 && at(-1) === 'notification') return { kind: 'notifications', repository: repo(1) };
  if (n >= 3 && at(-2) === 'notification' && at(-1) !== '') return { kind: 'notification', repository: repo(2), uuid: at(-1) };
  if (n >= 4 && at(-3) === 'notification' && at(-2) !== '' && (NOTIFICATION_ACTIONS as readonly string[]).includes(at(-1))) {
    return { kind: 'notification-action', repository: repo(3), uuid: at(-2), action: at(-1) as NotificationAction };
  }
  if (n >= 5 && at(-4) === 'notification' && at(-3) !== '' && at(-2) === 'attempts' && at(-1) !== '') {
    return { kind: 'notification-action', repository: repo(4), uuid: at(-3), action: 'attempts', sub: [at(-1)] };
  }
  if (n >= 6 && at(-5) === 'notification' && at(-4) !== '' && at(-3) === 'deliveries' && at(-2) !== '' && at(-1) === 'resend') {
    return { kind: 'notification-action', repository: repo(5), uuid: at(-4), action: 'deliveries', sub: [at(-2), 'resend'] };
  }
  if (n >= 3 && at(-2) === 'authorizedemail' && at(-1) !== '') return { kind: 'authorized-email', repository: repo(2), email: at(-1) };
  if (n >= 2 && at(-1) === 'recentrefs') return { kind: 'recent-refs', repository: repo(1) };
  if (n >= 2 && at(-1) === 'audit') return { kind: 'audit', repository: repo(1) };
  return null;
}
