import { createPrivateKey, createPublicKey, createSecretKey, type KeyObject } from 'node:crypto';
import { HeraldError } from '@herald/errors';

/** Minimum HMAC secret length: HS256 needs at least 256 bits of key to be worth its name. */
export const MIN_SECRET_BYTES = 32;

/** The key material and the JWS algorithms it may verify or sign. */
export interface KeyWithAlgorithms {
  key: KeyObject;
  algorithms: string[];
}

const BY_KEY_TYPE: Record<string, string[]> = {
  rsa: ['RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512'],
  'rsa-pss': ['PS256', 'PS384', 'PS512'],
  ec: ['ES256', 'ES384', 'ES512'],
  ed25519: ['EdDSA', 'Ed25519'],
};

/** An HMAC secret (HS256/384/512). */
export function hmacKey(secret: string): KeyWithAlgorithms {
  if (Buffer.byteLength(secret) < MIN_SECRET_BYTES) {
    throw new HeraldError('AUTH_KEY_INVALID', `the JWT HMAC secret must be at least ${MIN_SECRET_BYTES} bytes`);
  }
  return { key: createSecretKey(Buffer.from(secret)), algorithms: ['HS256', 'HS384', 'HS512'] };
}

function asymmetric(key: KeyObject): KeyWithAlgorithms {
  const algorithms = BY_KEY_TYPE[key.asymmetricKeyType ?? ''];
  if (!algorithms) throw new HeraldError('AUTH_KEY_INVALID', `unsupported key type ${key.asymmetricKeyType ?? '?'}`);
  return { key, algorithms };
}

/** An RSA, EC or Ed25519 public key in PEM (SPKI or certificate). */
export function publicKey(pem: string): KeyWithAlgorithms {
  try {
    return asymmetric(createPublicKey(pem));
  } catch (cause) {
    if (cause instanceof HeraldError) throw cause;
    throw new HeraldError('AUTH_KEY_INVALID', 'the JWT public key is not a valid PEM public key', { cause });
  }
}

/** An RSA, EC or Ed25519 private key in PEM, for minting. */
export function privateKey(pem: string): KeyWithAlgorithms {
  try {
    return asymmetric(createPrivateKey(pem));
  } catch (cause) {
    if (cause instanceof HeraldError) throw cause;
    throw new HeraldError('AUTH_KEY_INVALID', 'the JWT private key is not a valid PEM private key', { cause });
  }
}
