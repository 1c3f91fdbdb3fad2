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
        const exchange = new Exchange(target.host, req.cancel, resolve, reject);
        try {
          agent.dispatch({ origin: target.origin, path: target.path, method: 'POST', headers: req.headers, body: req.body }, exchange);
        } catch (err) {
          exchange.onResponseError(undefined, err as Error);
        }
      });
    },
    close: () => agent.close(),
  };
}

/**
 * One POST's dispatch handler: keeps the status and headers, discards a 2xx body as it arrives or
 * keeps the start of another for the snippet, and ties the request to its cancellation. A class,
 * not closures: one object per request on the hot path.
 */
class Exchange implements Dispatcher.DispatchHandler {
  private statusCode = 0;
  private headers: IncomingHttpHeaders = {};
  private size = 0;
  private chunks: Buffer[] | undefined;
  private cutShort = false;

  constructor(
    private readonly host: string,
    private readonly cancel: Cancellation | undefined,
    private readonly resolve: (r: PostResponse) => void,
    private readonly reject: (err: unknown) => void,
  ) {}

  onRequestStart(controller: Dispatcher.DispatchController): void {
    const { cancel } = this;
    if (!cancel) return;
    if (cancel.aborted) controller.abort(cancel.reason as Error);
    else cancel.onAbort((reason) => controller.abort(reason as Error));
  }

  onResponseStart(_controller: Dispatcher.DispatchController, statusCode: number, headers: Record<string, string | string[] | undefined>): void {
    this.statusCode = statusCode;
    this.headers = headers as IncomingHttpHeaders;
    if (statusCode < 200 || statusCode >= 300) this.chunks = [];
  }

  onResponseData(controller: Dispatcher.DispatchController, chunk: Buffer): void {
    const before = this.size;
    this.size += chunk.length;
    if (this.chunks && before < SNIPPET_BYTES) this.chunks.push(chunk);
    if (this.size > MAX_BODY_BYTES) {
      this.cutShort = true;
      controller.abort(new Error('response body too large'));
    }
  }

  onResponseEnd(): void {
    this.cancel?.onAbort(undefined);
    this.resolve({ statusCode: this.statusCode, headers: this.headers, bodySnippet: this.chunks ? snippet(this.chunks) : '' });
  }

  onResponseError(_controller: Dispatcher.DispatchController | undefined, err: Error): void {
    if (this.cutShort) return this.onResponseEnd();
    this.cancel?.onAbort(undefined);
    this.reject(transportError(err, this.host, this.cancel));
  }
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
