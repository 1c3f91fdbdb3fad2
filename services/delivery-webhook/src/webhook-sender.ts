import { configError, deliveryErrorForStatus, tracedRequest, type Sender } from '@herald/delivery';
import { toQuayPayload, type DeliveryJob } from '@herald/events';
import type { GuardedHttpClient } from '@herald/http-guard';
import { quayJson } from '@herald/json-template';
import type { NotificationDoc } from '@herald/subscriptions';
import { TemplateCache } from './json-template.js';
import { standardWebhookSignatures } from './signature.js';

export interface WebhookSenderOptions {
  http: GuardedHttpClient;
  userAgent: string;
  /** Clock for `webhook-timestamp` (tests). */
  now?: () => number;
}

/**
 * The request body: the Quay payload, or the notification's template rendered over it, as the
 * JSON text Quay sends (Python's json.dumps: `", "`/`": "` separators, non-ASCII as `\uXXXX`).
 */
export function webhookBody(job: DeliveryJob, template: unknown, templates: TemplateCache): string {
  const payload = toQuayPayload(job.event);
  if (template === undefined || template === null || template === '') return quayJson(payload);
  if (typeof template !== 'string') throw configError('the webhook template must be a string holding a JSON document');
  return templates.get(template).render(payload);
}

/**
 * The secrets a delivery is signed with: the notification's, and the one a rotation replaced until
 * its overlap ends (the stored expiry decides, so a late clean-up never extends the overlap).
 */
export function signingSecrets(n: Pick<NotificationDoc, 'signing_secret' | 'previous_signing_secret' | 'previous_secret_expires_at'>, nowMs: number): string[] {
  const secrets = n.signing_secret ? [n.signing_secret] : [];
  const until = n.previous_secret_expires_at ? new Date(n.previous_secret_expires_at).getTime() : 0;
  if (n.previous_signing_secret && until > nowMs) secrets.push(n.previous_signing_secret);
  return secrets;
}

/**
 * Webhook delivery (SPEC §3, §4): `POST config.url` with the body, `Content-Type: application/json`,
 * `User-Agent`, and the Standard Webhooks headers (`webhook-id` = delivery id, stable across
 * attempts; `webhook-timestamp`; `webhook-signature` with the notification's secret, and during a rotation's overlap with the previous one too). The HTTP
 * client is SSRF-guarded, keeps connections alive, presents the configured client certificate
 * over HTTPS, sends URL credentials as Basic authorization and follows up to 5 redirects, each hop
 * re-checked by the guard (libs/http-guard/http-client.ts).
 */
export function createWebhookSender(o: WebhookSenderOptions): Sender {
  const templates = new TemplateCache();
  const now = o.now ?? Date.now;
  return {
    method: 'webhook',
    async send({ job, notification, cancel, trace, capture }) {
      const url = notification.config['url'];
      if (typeof url !== 'string' || url === '') throw configError('the webhook has no URL');
      const body = webhookBody(job, notification.config['template'], templates);
      const timestamp = Math.floor(now() / 1000);
      const headers: Record<string, string> = {
        'content-type': 'application/json',
        'user-agent': o.userAgent,
        'webhook-id': job.delivery_id,
        'webhook-timestamp': String(timestamp),
      };
      const secrets = signingSecrets(notification, now());
      if (secrets.length > 0) headers['webhook-signature'] = standardWebhookSignatures(secrets, job.delivery_id, timestamp, body);
      capture?.request('POST', url, headers, body);
      const post = () => o.http.post(url, { headers, body, cancel, ...(capture ? { keepBodyBytes: capture.responseBodyBytes } : {}) });
      // With tracing on: a client span, and its `traceparent` in the request's headers.
      const res = trace ? await tracedRequest(trace, 'POST', url, headers, post) : await post();
      capture?.response(res);
      const failure = deliveryErrorForStatus(res.statusCode, res.headers, res.bodySnippet);
      if (failure) throw failure;
      return { statusCode: res.statusCode };
    },
  };
}
