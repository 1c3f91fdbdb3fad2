import { errors as joseErrors, jwtVerify, type JWTPayload } from 'jose';
import { HeraldError } from '@herald/errors';
import { hmacKey, publicKey, type KeyWithAlgorithms } from './keys.js';
import { parseAccessClaim } from './grants.js';
import type { Principal } from './principal.js';

/** No usable credentials: missing, malformed, badly signed or expired token (HTTP 401). */
export class UnauthenticatedError extends HeraldError {
  /** RFC 6750 error code for the `WWW-Authenticate` header, when a token was presented. */
  readonly bearerError: 'invalid_token' | 'invalid_request' | undefined;

  constructor(message: string, bearerError?: 'invalid_token' | 'invalid_request') {
    super('UNAUTHENTICATED', message);
    this.bearerError = bearerError;
  }
}

export interface VerifierOptions {
  /** HMAC secret (HS256/384/512). Exactly one of this and `publicKeyPem`. */
  hmacSecret?: string | undefined;
  /** RSA / EC / Ed25519 public key in PEM. */
  publicKeyPem?: string | undefined;
  issuer?: string | undefined;
  audience?: string | undefined;
  /** Subject that is admin of every repository. */
  superuser?: string | undefined;
  clockToleranceSeconds?: number;
}

export interface TokenVerifier {
  /** Verifies a compact JWT and returns the caller; throws UnauthenticatedError. */
  verify(token: string): Promise<Principal>;
}

/** Longest token accepted; anything bigger is rejected before any crypto work. */
const MAX_TOKEN_CHARS = 16 * 1024;

function strings(raw: unknown): string[] {
  return Array.isArray(raw) ? raw.filter((s): s is string => typeof s === 'string' && s !== '') : [];
}

function keyOf(opts: VerifierOptions): KeyWithAlgorithms {
  const hasSecret = opts.hmacSecret !== undefined && opts.hmacSecret !== '';
  const hasPem = opts.publicKeyPem !== undefined && opts.publicKeyPem !== '';
  if (hasSecret === hasPem) {
    throw new HeraldError('AUTH_KEY_INVALID', 'configure exactly one of an HMAC secret and a public key');
  }
  return hasSecret ? hmacKey(opts.hmacSecret as string) : publicKey(opts.publicKeyPem as string);
}

function toPrincipal(payload: JWTPayload, superuser: string | undefined): Principal {
  const subject = payload.sub ?? '';
  return {
    subject,
    teams: strings(payload['teams']),
    orgs: strings(payload['orgs']),
    grants: parseAccessClaim(payload['access']),
    superuser: superuser !== undefined && superuser !== '' && subject === superuser,
  };
}

/** Creates a verifier for bearer JWTs signed with the configured key. */
export function createTokenVerifier(opts: VerifierOptions): TokenVerifier {
  const { key, algorithms } = keyOf(opts);
  return {
    async verify(token) {
      if (token === '' || token.length > MAX_TOKEN_CHARS) throw new UnauthenticatedError('malformed token', 'invalid_token');
      try {
        const { payload } = await jwtVerify(token, key, {
          algorithms,
          requiredClaims: ['sub', 'exp'],
          clockTolerance: opts.clockToleranceSeconds ?? 30,
          ...(opts.issuer ? { issuer: opts.issuer } : {}),
          ...(opts.audience ? { audience: opts.audience } : {}),
        });
        if (typeof payload.sub !== 'string' || payload.sub === '') throw new UnauthenticatedError('token has no subject', 'invalid_token');
        return toPrincipal(payload, opts.superuser);
      } catch (err) {
        if (err instanceof UnauthenticatedError) throw err;
        if (err instanceof joseErrors.JWTExpired) throw new UnauthenticatedError('token expired', 'invalid_token');
        if (err instanceof joseErrors.JOSEError) throw new UnauthenticatedError('invalid token', 'invalid_token');
        throw err;
      }
    },
  };
}

/** The token of an `Authorization: Bearer <token>` header; throws UnauthenticatedError. */
export function bearerToken(header: string | undefined): string {
  if (header === undefined || header.trim() === '') throw new UnauthenticatedError('authentication required');
  const m = /^Bearer +([A-Za-z0-9\-_.~+/]+=*) *$/i.exec(header);
  if (!m?.[1]) throw new UnauthenticatedError('expected an Authorization: Bearer token', 'invalid_request');
  return m[1];
}
