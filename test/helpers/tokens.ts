import { mintToken, type Grant } from '@herald/auth';

/** The HMAC secret test services are configured with. */
export const TEST_JWT_SECRET = 'herald-test-secret-0123456789abcdefghijklmnopqrstuvwxyz';
/** The subject tests configure as superuser. */
export const TEST_SUPERUSER = 'root';

export interface TestTokenOptions {
  grants?: Array<Grant | string>;
  teams?: string[];
  orgs?: string[];
  ttlSeconds?: number;
}

/** A bearer token signed with TEST_JWT_SECRET. */
export function testToken(sub: string, opts: TestTokenOptions = {}): Promise<string> {
  return mintToken({ secret: TEST_JWT_SECRET, sub, ...opts });
}

/** An admin token for `repository` (`ns/repo` or `ns/*`). */
export function adminToken(repository: string, sub = 'admin'): Promise<string> {
  return testToken(sub, { grants: [`${repository}:admin`] });
}
