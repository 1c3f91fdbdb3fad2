import { randomUUID } from 'node:crypto';
import { SignJWT } from 'jose';
import { HeraldError } from '@herald/errors';
import { hmacKey, privateKey, type KeyWithAlgorithms } from './keys.js';
import { parseGrantSpec } from './grants.js';
import type { Grant } from './principal.js';

export interface MintOptions {
  sub: string;
  /** Grants as objects or the shorthand `ns/repo:admin,push`. */
  grants?: Array<Grant | string>;
  teams?: string[];
  orgs?: string[];
  /** Lifetime from now; negative values mint an already expired token (tests). Default 3600. */
  ttlSeconds?: number;
  issuer?: string | undefined;
  audience?: string | undefined;
  /** HMAC secret, or… */
  secret?: string | undefined;
  /** …an RSA/EC/Ed25519 private key in PEM. */
  privateKeyPem?: string | undefined;
  /** JWS algorithm; defaults to the first the key supports (HS256, RS256, ES256, EdDSA). */
  alg?: string | undefined;
  /** Clock, for tests. */
  now?: Date;
}

function signingKey(opts: MintOptions): KeyWithAlgorithms {
  if (opts.secret) return hmacKey(opts.secret);
  if (opts.privateKeyPem) return privateKey(opts.privateKeyPem);
  throw new HeraldError('AUTH_KEY_INVALID', 'minting needs a secret or a private key');
}

/** Mints a bearer token that Herald's verifier accepts (operators, tests). */
export async function mintToken(opts: MintOptions): Promise<string> {
  const { key, algorithms } = signingKey(opts);
  const alg = opts.alg ?? algorithms[0] ?? 'HS256';
  if (!algorithms.includes(alg)) throw new HeraldError('AUTH_KEY_INVALID', `algorithm ${alg} does not fit this key`);
  const nowSec = Math.floor((opts.now ?? new Date()).getTime() / 1000);
  const ttl = opts.ttlSeconds ?? 3600;
  const access = (opts.grants ?? []).map((g) => (typeof g === 'string' ? parseGrantSpec(g) : g));
  let jwt = new SignJWT({ access, teams: opts.teams ?? [], orgs: opts.orgs ?? [] })
    .setProtectedHeader({ alg, typ: 'JWT' })
    .setSubject(opts.sub)
    .setJti(randomUUID())
    .setIssuedAt(ttl < 0 ? nowSec + ttl - 60 : nowSec)
    .setExpirationTime(nowSec + ttl);
  if (opts.issuer) jwt = jwt.setIssuer(opts.issuer);
  if (opts.audience) jwt = jwt.setAudience(opts.audience);
  return jwt.sign(key);
}
