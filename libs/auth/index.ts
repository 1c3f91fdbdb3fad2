export type { Grant, Principal } from './principal.js';
export { ADMIN_ACTIONS } from './principal.js';
export {
  ForbiddenError,
  grantCovers,
  isRepositoryAdmin,
  requireRepositoryAdmin,
  isNamespaceAdmin,
  requireNamespaceAdmin,
  requireSuperuser,
  recipientOf,
  parseAccessClaim,
  parseGrantSpec,
} from './grants.js';
export type { Recipient } from './grants.js';
export { createTokenVerifier, bearerToken, UnauthenticatedError } from './verifier.js';
export type { TokenVerifier, VerifierOptions } from './verifier.js';
export { mintToken } from './mint.js';
export type { MintOptions } from './mint.js';
export { runMintCli } from './mint-cli.js';
export { MIN_SECRET_BYTES } from './keys.js';
