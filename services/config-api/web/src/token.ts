/**
 * The bearer token: pasted by the user, kept in sessionStorage (gone with the tab, never in a URL),
 * and decoded here only to offer the repositories it grants. The page does not verify it: the
 * server verifies every call.
 */
const STORAGE_KEY = 'herald.token';

export interface Grant {
  type: string;
  name: string;
  actions: string[];
}

export interface TokenInfo {
  subject: string;
  /** Seconds since the epoch, when the token has `exp`. */
  expiresAt: number | undefined;
  grants: Grant[];
}

/** What the token lets the user open: exact repositories and namespaces (`ns/*` grants). */
export interface AdminScope {
  repositories: string[];
  namespaces: string[];
}

const ADMIN_ACTIONS = new Set(['admin', '*']);

function base64UrlDecode(s: string): string {
  const b64 = s.replace(/-/g, '+').replace(/_/g, '/').padEnd(Math.ceil(s.length / 4) * 4, '=');
  const bytes = Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));
  return new TextDecoder().decode(bytes);
}

// The same reading as libs/auth's parseAccessClaim, kept here on purpose: the page is bundled from
// web/src alone at run time, and the service image carries no workspace lib sources.
function grantsOf(raw: unknown): Grant[] {
  if (!Array.isArray(raw)) return [];
  const out: Grant[] = [];
  for (const e of raw) {
    if (typeof e !== 'object' || e === null) continue;
    const { type, name, actions } = e as Record<string, unknown>;
    if (typeof type !== 'string' || typeof name !== 'string' || !Array.isArray(actions)) continue;
    out.push({ type, name, actions: actions.filter((a): a is string => typeof a === 'string') });
  }
  return out;
}

/** Decodes a JWT's payload; throws an Error with a user-facing message when it is not one. */
export function decodeToken(token: string): TokenInfo {
  const parts = token.split('.');
  if (parts.length !== 3 || parts.some((p) => !/^[A-Za-z0-9_-]*$/.test(p))) {
    throw new Error('This is not a JWT: expected three base64url parts separated by dots.');
  }
  let payload: unknown;
  try {
    payload = JSON.parse(base64UrlDecode(parts[1] ?? ''));
  } catch {
    throw new Error('The token’s payload is not readable JSON.');
  }
  if (typeof payload !== 'object' || payload === null) throw new Error('The token’s payload is not a JSON object.');
  const p = payload as Record<string, unknown>;
  return {
    subject: typeof p['sub'] === 'string' ? p['sub'] : '',
    expiresAt: typeof p['exp'] === 'number' ? p['exp'] : undefined,
    grants: grantsOf(p['access']),
  };
}

export function adminScope(info: TokenInfo): AdminScope {
  const repositories = new Set<string>();
  const namespaces = new Set<string>();
  for (const g of info.grants) {
    if (g.type !== 'repository' || !g.actions.some((a) => ADMIN_ACTIONS.has(a))) continue;
    if (g.name.endsWith('/*')) {
      const ns = g.name.slice(0, -2);
      if (ns !== '' && !ns.includes('*')) namespaces.add(ns);
    } else if (g.name.includes('/') && !g.name.includes('*')) {
      repositories.add(g.name);
    }
  }
  return { repositories: [...repositories].sort(), namespaces: [...namespaces].sort() };
}

export function isExpired(info: TokenInfo, nowMs = Date.now()): boolean {
  return info.expiresAt !== undefined && info.expiresAt * 1000 <= nowMs;
}

export function storedToken(): string | null {
  try {
    return sessionStorage.getItem(STORAGE_KEY);
  } catch {
    return null;
  }
}

export function storeToken(token: string): void {
  sessionStorage.setItem(STORAGE_KEY, token);
}

export function clearToken(): void {
  sessionStorage.removeItem(STORAGE_KEY);
}
