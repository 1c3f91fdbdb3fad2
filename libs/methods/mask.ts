export const MASK = '****';

/** Path segments after which everything is secret (Slack-style `/services/T…/B…/XXXX`, chat webhooks). */
const SECRET_AFTER = new Set(['services', 'webhooks', 'webhookb2', 'hooks']);

/** A path segment that looks like a token: long, and mixing letters and digits (or very long). */
function tokenLike(segment: string): boolean {
  if (segment.length >= 32) return /^[A-Za-z0-9_\-.~+=%]+$/.test(segment);
  return segment.length >= 16 && /[0-9]/.test(segment) && /[A-Za-z]/.test(segment) && /^[A-Za-z0-9_\-.~+=%]+$/.test(segment);
}

/** The path with token-like segments, and every segment after a webhook keyword, masked. */
export function maskPath(pathname: string): string {
  let secret = false;
  return pathname
    .split('/')
    .map((seg) => {
      if (seg === '') return seg;
      const masked = secret || tokenLike(seg) ? MASK : seg;
      if (SECRET_AFTER.has(seg.toLowerCase())) secret = true;
      return masked;
    })
    .join('/');
}

/**
 * A webhook URL with its credentials masked: userinfo, the values of query parameters, and tokens
 * in the path (maskPath). Scheme, host and the rest of the path stay visible so admins can tell
 * endpoints apart.
 */
export function maskWebhookUrl(raw: string): string {
  let u: URL;
  try {
    u = new URL(raw);
  } catch {
    return MASK;
  }
  if (u.username !== '') u.username = MASK;
  if (u.password !== '') u.password = MASK;
  u.pathname = maskPath(u.pathname);
  if (u.search !== '') {
    const masked = [...u.searchParams.keys()].map((k) => `${encodeURIComponent(k)}=${MASK}`);
    u.search = masked.join('&');
  }
  u.hash = '';
  return u.toString();
}

/** A Slack incoming-webhook URL: the path is the secret, so only scheme and host remain. */
export function maskSlackUrl(raw: string): string {
  try {
    const u = new URL(raw);
    return `${u.protocol}//${u.host}/${MASK}`;
  } catch {
    return MASK;
  }
}
