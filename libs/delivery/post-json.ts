import { tracedRequest, type AttemptTrace } from './attempt-trace.js';
import { deliveryErrorForStatus } from './http-status.js';
import type { AttemptCapture } from './inspection.js';
import type { SendResult } from './sender.js';
import type { Cancellation, GuardedHttpClient } from '@herald/http-guard';

/**
 * POSTs a JSON body through the SSRF-guarded client and maps the status to the delivery outcome
 * (2xx success; 408/429/5xx retry; 410 disables; other statuses permanent). Transport errors come
 * from the client already classified, naming the host only, never the URL with its secrets.
 * With `trace` (tracing on) the request is a client span and carries its `traceparent`.
 */
export async function postJson(
  http: GuardedHttpClient,
  url: string,
  body: unknown,
  opts: { cancel: Cancellation; userAgent: string; trace?: AttemptTrace | undefined; capture?: AttemptCapture | undefined },
): Promise<SendResult> {
  const headers: Record<string, string> = { 'content-type': 'application/json', 'user-agent': opts.userAgent };
  const text = JSON.stringify(body);
  const capture = opts.capture;
  capture?.request('POST', url, headers, text);
  const post = () => http.post(url, { headers, body: text, cancel: opts.cancel, ...(capture ? { keepBodyBytes: capture.responseBodyBytes } : {}) });
  const res = opts.trace ? await tracedRequest(opts.trace, 'POST', url, headers, post) : await post();
  capture?.response(res);
  const err = deliveryErrorForStatus(res.statusCode, res.headers, res.bodySnippet);
  if (err) throw err;
  return { statusCode: res.statusCode };
}
