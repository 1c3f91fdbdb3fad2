/** Longest address accepted (RFC 5321 path limit). */
export const MAX_EMAIL_LENGTH = 254;

// Deliberately simple: one @, no spaces or control characters, a dotted domain. The confirmation
// mail is the real test of an address.
const EMAIL = /^[^\s@<>()[\]\\,;:"/\p{Cc}]+@[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)+$/u;

/** True when `s` looks like a deliverable e-mail address. */
export function isEmailAddress(s: string): boolean {
  return s.length <= MAX_EMAIL_LENGTH && EMAIL.test(s);
}

/**
 * The canonical form used as the key of an authorization: trimmed and lower-cased, so that
 * `Alice@Example.com` and `alice@example.com` share one confirmation.
 */
export function normalizeEmail(s: string): string {
  return s.trim().toLowerCase();
}
