import type { FastifyRequest } from 'fastify';
import { bearerToken, type Principal, type TokenVerifier } from '@herald/auth';

/** Verifies the request's bearer token; throws UnauthenticatedError (→ 401). */
export function authenticate(verifier: TokenVerifier, req: FastifyRequest): Promise<Principal> {
  return verifier.verify(bearerToken(req.headers.authorization));
}
