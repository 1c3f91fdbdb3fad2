import type { IncomingHttpHeaders } from 'node:http';
import type { DeliveryJob, DeliveryOutcome } from '@herald/events';
import { MASK, maskWebhookUrl, type NotificationDoc } from '@herald/subscriptions';

/** What one attempt sent, as stored: URL and headers masked, body capped. */
export interface InspectedRequest {
  method: string;
  url: string;
  headers: Record<string, string>;
  body: string;
  /** The body's size as sent. */
  body_bytes: number;
  body_truncated: boolean;
}

/** What the endpoint answered, as stored: secret-bearing headers masked, body capped. */
export interface InspectedResponse {
  status: number;
  headers: Record<string, string>;
  body: string;
  /** The body's size as read (the HTTP client stops reading at 64 KiB). */
  body_bytes: number;
  body_truncated: boolean;
}

/** One attempt in full (the inspection record), as the API shows it. */
export interface AttemptInspection {
  /** The record's id (`attempt_id` in the API). */
  id: string;
  notification_uuid: string;
  delivery_id: string;
  attempt: number;
  time: Date;
  outcome: DeliveryOutcome;
  duration_ms: number;
  status_code: number | null;
  error_class: string | null;
  error: string | null;
  kind: string;
  test: boolean;
  /** Null when the sender made no HTTP request (e-mail, in-app, or a failure before sending). */
  request: InspectedRequest | null;
  response: InspectedResponse | null;
  /** Set on an attempt made by a resend: the attempt id it was resent from. */
  resent_from: string | null;
}

/** Size caps of the stored bodies. */
export interface InspectionLimits {
  /** Bytes of the request body kept (default 16 KiB). */
  requestBodyBytes: number;
  /** Bytes of the response body kept (default 4 KiB). */
  responseBodyBytes: number;
}

/**
 * Headers whose values are secrets: credentials and anything named like a token, key or password.
 * `webhook-signature` is not one: it is an HMAC of this body, useless for another, and the receiver
 * needs to see which one went out.
 */
const SECRET_HEADER = /^(authorization|proxy-authorization|cookie|set-cookie)$|token|secret|passw|api-?key|auth/i;

type SecretSource = Pick<NotificationDoc, 'config' | 'signing_secret' | 'previous_signing_secret'>;
/** Per notification document (the lookup hands out the same object until it changes): computed once. */
const secretsByDoc = new WeakMap<SecretSource, string[]>();

/** Strings of a notification that must never be stored: its signing secrets, and token-like config values. */
export function secretsOf(n: SecretSource): string[] {
  let out = secretsByDoc.get(n);
  if (!out) secretsByDoc.set(n, (out = collectSecrets(n)));
  return out;
}

function collectSecrets(n: SecretSource): string[] {
  const out: string[] = [];
  if (n.signing_secret) out.push(n.signing_secret);
  if (n.previous_signing_secret) out.push(n.previous_signing_secret);
  for (const [k, v] of Object.entries(n.config ?? {})) {
    if (typeof v !== 'string' || v.length < 4) continue;
    if (/token|secret|passw|key/i.test(k)) out.push(v);
    // A URL's credentials, query values and (Slack-style) path tokens, wherever they show up again.
    if (k === 'url') out.push(...urlSecrets(v));
  }
  return out;
}

function urlSecrets(raw: string): string[] {
  try {
    const u = new URL(raw);
    const out = [u.password, decodeURIComponent(u.password), ...[...u.searchParams.values()]].filter((s) => s.length >= 4);
    const masked = new URL(maskWebhookUrl(raw)).pathname.split('/');
    u.pathname.split('/').forEach((seg, i) => {
      if (masked[i] === MASK && seg.length >= 4) out.push(seg);
    });
    return out;
  } catch {
    return [];
  }
}

/** `s` with every occurrence of a secret replaced by the mask. */
export function scrub(s: string, secrets: readonly string[]): string {
  let out = s;
  for (const secret of secrets) if (out.includes(secret)) out = out.split(secret).join(MASK);
  return out;
}

/** Masked URLs by URL: a notification posts to the same URL every time. */
const maskedUrls = new Map<string, string>();

function maskedUrl(url: string, secrets: readonly string[]): string {
  const key = secrets.length === 0 ? url : `${url}\n${secrets.join('\n')}`;
  let m = maskedUrls.get(key);
  if (m === undefined) {
    if (maskedUrls.size >= 10_000) maskedUrls.delete(maskedUrls.keys().next().value as string);
    maskedUrls.set(key, (m = scrub(maskWebhookUrl(url), secrets)));
  }
  return m;
}

function cap(body: string | Buffer, max: number): { text: string; bytes: number; truncated: boolean } {
  // A string that fits whatever its characters (at most 3 UTF-8 bytes per UTF-16 unit) is kept as is.
  if (typeof body === 'string' && body.length * 3 <= max) return { text: body, bytes: Buffer.byteLength(body, 'utf8'), truncated: false };
  const buf = typeof body === 'string' ? Buffer.from(body, 'utf8') : body;
  if (buf.length <= max) return { text: buf.toString('utf8'), bytes: buf.length, truncated: false };
  return { text: buf.subarray(0, max).toString('utf8'), bytes: buf.length, truncated: true };
}

/** Header names as stored (lower case), and whether their values are secrets: names repeat, tested once. */
const headerNames = new Map<string, { stored: string; secret: boolean }>();

function headerName(name: string): { stored: string; secret: boolean } {
  let n = headerNames.get(name);
  if (n === undefined) {
    n = { stored: name.toLowerCase(), secret: SECRET_HEADER.test(name) };
    // Names come from endpoints' answers too: the cache is bounded.
    if (headerNames.size < 1_000) headerNames.set(name, n);
  }
  return n;
}

function maskHeaders(h: Record<string, string | string[] | undefined>, secrets: readonly string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const name in h) {
    const v = h[name];
    if (v === undefined) continue;
    const n = headerName(name);
    out[n.stored] = n.secret ? MASK : scrub(Array.isArray(v) ? v.join(', ') : String(v), secrets);
  }
  return out;
}

/**
 * What a sender saw of one attempt, filled in as it goes (`request` before sending, `response` when
 * the answer came) and turned into the stored record after the outcome is known. The raw values are
 * kept by reference until then: masking and copying cost nothing for an attempt never recorded.
 */
export class AttemptCapture {
  private req: { method: string; url: string; headers: Record<string, string>; body: string | Buffer } | undefined;
  private res: { status: number; headers: IncomingHttpHeaders; body: Buffer; bodyBytes: number } | undefined;

  constructor(
    readonly job: DeliveryJob,
    /** The job message as consumed (Avro), kept for a resend. */
    readonly jobValue: Buffer | null,
    readonly limits: InspectionLimits,
    readonly resentFrom: string | null,
  ) {}

  /** Bytes of the response body the HTTP client should keep (its `keepBodyBytes`). */
  get responseBodyBytes(): number {
    return this.limits.responseBodyBytes;
  }

  /** The request as it goes out; `headers` may still gain trace headers before it is sent. */
  request(method: string, url: string, headers: Record<string, string>, body: string | Buffer): void {
    this.req = { method, url, headers, body };
  }

  /** The answer, with the start of its body (`keepBodyBytes`). */
  response(res: { statusCode: number; headers: IncomingHttpHeaders; body?: Buffer | undefined; bodyBytes?: number | undefined }): void {
    this.res = { status: res.statusCode, headers: res.headers, body: res.body ?? Buffer.alloc(0), bodyBytes: res.bodyBytes ?? res.body?.length ?? 0 };
  }

  /** The masked, capped request and response. */
  masked(secrets: readonly string[]): { request: InspectedRequest | null; response: InspectedResponse | null } {
    let request: InspectedRequest | null = null;
    if (this.req) {
      const b = cap(this.req.body, this.limits.requestBodyBytes);
      request = {
        method: this.req.method,
        url: maskedUrl(this.req.url, secrets),
        headers: maskHeaders(this.req.headers, secrets),
        body: scrub(b.text, secrets),
        body_bytes: b.bytes,
        body_truncated: b.truncated,
      };
    }
    let response: InspectedResponse | null = null;
    if (this.res) {
      const b = cap(this.res.body, this.limits.responseBodyBytes);
      response = {
        status: this.res.status,
        headers: maskHeaders(this.res.headers as Record<string, string | string[] | undefined>, secrets),
        body: scrub(b.text, secrets),
        body_bytes: Math.max(this.res.bodyBytes, b.bytes),
        body_truncated: b.truncated || this.res.bodyBytes > this.res.body.length,
      };
    }
    return { request, response };
  }
}
