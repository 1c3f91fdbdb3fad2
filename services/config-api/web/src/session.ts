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
  return {
    api: new Api(token),
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
  };
}
