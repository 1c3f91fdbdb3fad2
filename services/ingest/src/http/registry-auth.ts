import { hash, timingSafeEqual } from 'node:crypto';
import { UnauthorizedError } from './http-errors.js';

/**
 * Finds the registry a request comes from by its token: `Authorization: Bearer <token>` (what a
 * Distribution endpoint's `headers` sends) or the bare token (Harbor's "auth header" is sent as the
 * whole Authorization value). Tokens are compared as digests, in constant time.
 */
export function createRegistryAuth(tokens: ReadonlyMap<string, string>): (authorization: string | undefined) => string {
  const known = [...tokens].map(([token, name]) => ({ digest: hash('sha256', token, 'buffer'), name }));
  return (authorization) => {
    if (authorization === undefined || authorization === '') throw new UnauthorizedError('missing Authorization header: send the registry token as "Bearer <token>"');
    const token = /^bearer\s+/i.test(authorization) ? authorization.replace(/^bearer\s+/i, '') : authorization;
    const digest = hash('sha256', token.trim(), 'buffer');
    let found: string | undefined;
    for (const k of known) if (timingSafeEqual(k.digest, digest)) found = k.name;
    if (found === undefined) throw new UnauthorizedError('unknown registry token');
    return found;
  };
}
