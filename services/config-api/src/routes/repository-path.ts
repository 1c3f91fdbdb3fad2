export const REPOSITORY_PREFIX = '/api/v1/repository/';
export const NOTIFICATION_ACTIONS = ['test', 'attempts', 'redrive', 'replay'] as const;
export type NotificationAction = (typeof NOTIFICATION_ACTIONS)[number];

/** What a path under `/api/v1/repository/` addresses. */
export type RepositoryRoute =
  | { kind: 'notifications'; repository: string }
  | { kind: 'notification'; repository: string; uuid: string }
  | { kind: 'notification-action'; repository: string; uuid: string; action: NotificationAction }
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
};

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
 * `…/notification/{uuid}/{test|attempts|redrive|replay}`, `…/authorizedemail/{email}`, `…/recentrefs`, `…/audit`; what precedes is the
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
  if (n >= 3 && at(-2) === 'authorizedemail' && at(-1) !== '') return { kind: 'authorized-email', repository: repo(2), email: at(-1) };
  if (n >= 2 && at(-1) === 'recentrefs') return { kind: 'recent-refs', repository: repo(1) };
  if (n >= 2 && at(-1) === 'audit') return { kind: 'audit', repository: repo(1) };
  return null;
}
