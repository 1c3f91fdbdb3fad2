import { Api, SignedOutError } from './api.js';
import { adminScope, clearToken, decodeToken, type AdminScope, type TokenInfo } from './token.js';

/** The signed-in user: their token's API client and what the token says about them. */
export interface Session {
  api: Api;
  info: TokenInfo;
  scope: AdminScope;
  /** Ends the session because the server refused the token (401); shows sign-in with `message`. */
  signOut(message?: string): void;
  /** Runs an API call; a 401 signs out instead of surfacing as an error. */
  guard<T>(p: Promise<T>): Promise<T>;
  /**
   * Whether the server lets this token see registry-wide notifications: asked once (the superuser
   * list answers, or refuses with 403); the token alone cannot say, superusers are the server's setting.
   */
  superuser(): Promise<boolean>;
}

export function createSession(token: string, onSignOut: (message?: string) => void): Session {
  const info = decodeToken(token);
  let ended = false;
  const signOut = (message?: string): void => {
    if (ended) return;
    ended = true;
    clearToken();
    onSignOut(message);
  };
  const api = new Api(token);
  let superuser: Promise<boolean> | undefined;
  return {
    api,
    info,
    scope: adminScope(info),
    signOut,
    async guard<T>(p: Promise<T>): Promise<T> {
      try {
        return await p;
      } catch (err) {
        if (err instanceof SignedOutError) signOut(`The server refused the token: ${err.message}. Sign in again.`);
        throw err;
      }
    },
    superuser: () =>
      (superuser ??= api.listNotifications({ kind: 'registry' }).then(
        () => true,
        () => false,
      )),
  };
}
