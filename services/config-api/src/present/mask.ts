export const MASK = '****';

/**
 * A webhook URL with its credentials masked: userinfo, and the values of query parameters (where
 * tokens usually ride). Scheme, host and path stay visible so admins can tell endpoints apart.
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

/** A method config as shown in listings: every secret masked (SPEC §3). */
export function maskConfig(method: string, config: Record<string, unknown>): Record<string, unknown> {
  const out = { ...config };
  const str = (k: string): string | undefined => (typeof out[k] === 'string' ? (out[k] as string) : undefined);
  switch (method) {
    case 'webhook': {
      const url = str('url');
      if (url !== undefined) out['url'] = maskWebhookUrl(url);
      break;
    }
    case 'slack': {
      const url = str('url');
      if (url !== undefined) out['url'] = maskSlackUrl(url);
      break;
    }
    case 'hipchat':
      if ('notification_token' in out) out['notification_token'] = MASK;
      break;
    case 'flowdock':
      if ('flow_api_token' in out) out['flow_api_token'] = MASK;
      break;
  }
  return out;
}
