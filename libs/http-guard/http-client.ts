import type { IncomingHttpHeaders } from 'node:http';
import { HeraldError } from '@herald/errors';
import type { Agent, Dispatcher } from 'undici';
import type { Cancellation } from './cancellation.js';
import { createGuardedAgent, type GuardedAgentOptions } from './guarded-agent.js';
import { transportError } from './transport-error.js';

export interface PostRequest {
  headers: Record<string, string>;
  body: string | Buffer;
  /** Aborts the exchange (the attempt timeout, a shutdown); an abort by timeout becomes HTTP_TIMEOUT. */
  cancel?: Cancellation;
}

export interface PostResponse {
  statusCode: number;
  headers: IncomingHttpHeaders;
  /** The start of a non-2xx body (≤ 200 printable characters), for the attempt log; '' for 2xx. */
  bodySnippet: string;
}

/** POSTs through the guarded agent; redirects are never followed (a 3xx is returned as is). */
export interface GuardedHttpClient {
  post(url: string, req: PostRequest): Promise<PostResponse>;
  readonly agent: Agent;
  close(): Promise<void>;
}

/** Bytes of a non-2xx body kept for the snippet. */
const SNIPPET_BYTES = 1024;
/** A response body beyond this is not read: the exchange is cut (and its connection closed). */
const MAX_BODY_BYTES = 64 * 1024;

interface Target {
  origin: string;
  path: string;
  host: string;
}

/** Parsed URLs, reused: a notification posts to the same URL every time. */
const targets = new Map<string, Target>();
const MAX_TARGETS = 10_000;

function targetOf(url: string): Target {
  let t = targets.get(url);
  if (!t) {
    const u = parseTarget(url);
    t = { origin: u.origin, path: `${u.pathname}${u.search}`, host: u.host };
    if (targets.size >= MAX_TARGETS) targets.delete(targets.keys().next().value as string);
    targets.set(url, t);
  }
  return t;
}

/**
 * The client posts with `dispatch` and a small handler rather than `request`: no response stream,
 * no AbortSignal listener per request; the body is discarded as it arrives (2xx) or its start
 * kept for the attempt log. This is the per-delivery hot path of every HTTP delivery method.
 */
export function createGuardedHttpClient(opts: GuardedAgentOptions): GuardedHttpClient {
  const agent = createGuardedAgent(opts);
  return {
    agent,
    post(url, req) {
      let target: Target;
      try {
        target = targetOf(url);
      } catch (err) {
        return Promise.reject(err);
      }
      return new Promise<PostResponse>((resolve, reject) => {
        const { cancel } = req;
        let statusCode = 0;
        let headers: IncomingHttpHeaders = {};
        let size = 0;
        let chunks: Buffer[] | undefined;
        let cutShort = false;
        const finish = () => {
          cancel?.onAbort(undefined);
          const bodySnippet = chunks ? snippet(chunks) : '';
          resolve({ statusCode, headers, bodySnippet });
        };
        const handler: Dispatcher.DispatchHandler = {
          onRequestStart(controller) {
            if (cancel?.aborted) controller.abort(cancel.reason as Error);
            else cancel?.onAbort((reason) => controller.abort(reason as Error));
          },
          onResponseStart(_controller, status, responseHeaders) {
            statusCode = status;
            headers = responseHeaders as IncomingHttpHeaders;
            if (status < 200 || status >= 300) chunks = [];
          },
          onResponseData(controller, chunk) {
            size += chunk.length;
            if (chunks && size - chunk.length < SNIPPET_BYTES) chunks.push(chunk);
            if (size > MAX_BODY_BYTES) {
              cutShort = true;
              controller.abort(new Error('response body too large'));
            }
          },
          onResponseEnd: finish,
          onResponseError(_controller, err) {
            if (cutShort) return finish();
            cancel?.onAbort(undefined);
            reject(transportError(err, target.host, cancel));
          },
        };
        try {
          agent.dispatch({ origin: target.origin, path: target.path, method: 'POST', headers: req.headers, body: req.body }, handler);
        } catch (err) {
          cancel?.onAbort(undefined);
          reject(transportError(err, target.host, cancel));
        }
      });
    },
    close: () => agent.close(),
  };
}

function parseTarget(url: string): URL {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    throw new HeraldError('URL_INVALID', 'the configured URL is not a valid URL', { details: { errorClass: 'config' } });
  }
  if (u.protocol !== 'http:' && u.protocol !== 'https:') {
    throw new HeraldError('URL_INVALID', `unsupported URL scheme ${u.protocol}`, { details: { errorClass: 'config' } });
  }
  return u;
}

function snippet(chunks: Buffer[]): string {
  return Buffer.concat(chunks).subarray(0, SNIPPET_BYTES).toString('utf8').replace(/[^\x20-\x7e]+/g, ' ').replace(/ {2,}/g, ' ').trim().slice(0, 200);
}
