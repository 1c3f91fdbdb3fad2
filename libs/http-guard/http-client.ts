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
  /** Keep the first this many bytes of the response body, whatever its status (attempt inspection); default 0. */
  keepBodyBytes?: number;
}

export interface PostResponse {
  statusCode: number;
  headers: IncomingHttpHeaders;
  /** The start of a non-2xx body (≤ 200 printable characters), for the attempt log; '' for 2xx. */
  bodySnippet: string;
  /** With `keepBodyBytes`: the body's first bytes, and its size as read (`bodyBytes` > `body.length`: truncated). */
  body?: Buffer;
  bodyBytes?: number;
}

/**
 * POSTs through the guarded agent. Credentials in the URL (`https://user:pw@host/`) are sent as
 * HTTP Basic authorization, as Quay's `requests` does. Redirects are followed, at most
 * MAX_REDIRECTS, each hop through the same guard: 307/308 repeat the POST with its body, 301/302/303
 * become a GET without body (as browsers and `requests` do); the authorization from the URL is not
 * sent to another origin. A 3xx without a usable `Location` is returned as is.
 */
export interface GuardedHttpClient {
  post(url: string, req: PostRequest): Promise<PostResponse>;
  readonly agent: Agent;
  close(): Promise<void>;
}

/** Bytes of a non-2xx body kept for the snippet. */
const SNIPPET_BYTES = 1024;
/** A response body beyond this is not read: the exchange is cut (and its connection closed). */
const MAX_BODY_BYTES = 64 * 1024;

/** Redirects followed per request, as browsers cap theirs; the 6th is a permanent failure. */
export const MAX_REDIRECTS = 5;

interface Target {
  origin: string;
  path: string;
  host: string;
  /** `Basic …` from the URL's userinfo, when it has one. */
  authorization?: string;
}

/** Parsed URLs, reused: a notification posts to the same URL every time. */
const targets = new Map<string, Target>();
const MAX_TARGETS = 10_000;

function targetOf(url: string): Target {
  let t = targets.get(url);
  if (!t) {
    t = toTarget(parseTarget(url));
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
  const send = (target: Target, method: 'POST' | 'GET', headers: Record<string, string>, body: string | Buffer | null, cancel: Cancellation | undefined, keep = 0) =>
    new Promise<PostResponse>((resolve, reject) => {
      const exchange = new Exchange(target.host, cancel, resolve, reject, keep);
      try {
        agent.dispatch({ origin: target.origin, path: target.path, method, headers, body }, exchange);
      } catch (err) {
        exchange.onResponseError(undefined, err as Error);
      }
    });
  return {
    agent,
    async post(url, req) {
      const first = targetOf(url);
      const res = await send(first, 'POST', withAuthorization(req.headers, first), req.body, req.cancel, req.keepBodyBytes);
      return isRedirect(res) ? followRedirects(first, req, res, send) : res;
    },
    close: () => agent.close(),
  };
}

type Send = (target: Target, method: 'POST' | 'GET', headers: Record<string, string>, body: string | Buffer | null, cancel: Cancellation | undefined, keep?: number) => Promise<PostResponse>;

const REDIRECTS = new Set([301, 302, 303, 307, 308]);

function isRedirect(res: PostResponse): boolean {
  return REDIRECTS.has(res.statusCode) && typeof res.headers.location === 'string' && res.headers.location !== '';
}

function hasHeader(headers: Record<string, string>, name: string): boolean {
  return Object.keys(headers).some((k) => k.toLowerCase() === name);
}

function withAuthorization(headers: Record<string, string>, t: Target): Record<string, string> {
  return t.authorization === undefined || hasHeader(headers, 'authorization') ? headers : { ...headers, authorization: t.authorization };
}

/** The hops after the first: each re-checked by the guard (a new origin connects through it). */
async function followRedirects(first: Target, req: PostRequest, firstRes: PostResponse, send: Send): Promise<PostResponse> {
  let res = firstRes;
  let current = first;
  let method: 'POST' | 'GET' = 'POST';
  let body: string | Buffer | null = req.body;
  let headers = withAuthorization(req.headers, first);
  for (let hop = 1; isRedirect(res); hop++) {
    if (hop > MAX_REDIRECTS) {
      throw new HeraldError('HTTP_TOO_MANY_REDIRECTS', `more than ${MAX_REDIRECTS} redirects from ${first.host}`, { details: { errorClass: 'redirect' } });
    }
    let next: Target;
    try {
      const u = new URL(res.headers.location as string, `${current.origin}${current.path}`);
      next = toTarget(parseTarget(u.toString()), false);
    } catch (err) {
      throw new HeraldError('URL_INVALID', `redirect ${hop} from ${current.host}: ${(err as Error).message}`, { details: { errorClass: 'redirect' } });
    }
    if (res.statusCode !== 307 && res.statusCode !== 308 && method === 'POST') {
      method = 'GET';
      body = null;
      headers = Object.fromEntries(Object.entries(headers).filter(([k]) => !/^content-(type|length|encoding)$/i.test(k)));
    }
    // Credentials are for the origin they were given with, as `requests` does.
    if (next.origin !== current.origin) headers = Object.fromEntries(Object.entries(headers).filter(([k]) => k.toLowerCase() !== 'authorization'));
    try {
      res = await send(next, method, headers, body, req.cancel, req.keepBodyBytes);
    } catch (err) {
      throw redirectHopError(err, hop, next.host);
    }
    current = next;
  }
  return res;
}

/** An error of a redirect hop, naming the hop; an SSRF refusal stays permanent and keeps its details. */
function redirectHopError(err: unknown, hop: number, host: string): unknown {
  if (!(err instanceof HeraldError)) return err;
  return new HeraldError(err.code, `redirect ${hop} to ${host}: ${err.message}`, {
    retriable: err.retriable,
    cause: err,
    details: { ...err.details, redirect: hop },
  });
}

function toTarget(u: URL, withAuth = true): Target {
  const t: Target = { origin: u.origin, path: `${u.pathname}${u.search}`, host: u.host };
  if (withAuth && (u.username !== '' || u.password !== '')) {
    const user = safeDecode(u.username);
    const pass = safeDecode(u.password);
    t.authorization = `Basic ${Buffer.from(`${user}:${pass}`, 'utf8').toString('base64')}`;
  }
  return t;
}

function safeDecode(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
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
  private kept: Buffer[] | undefined;
  private cutShort = false;

  constructor(
    private readonly host: string,
    private readonly cancel: Cancellation | undefined,
    private readonly resolve: (r: PostResponse) => void,
    private readonly reject: (err: unknown) => void,
    private readonly keep = 0,
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
    if (this.keep > 0) this.kept = [];
  }

  onResponseData(controller: Dispatcher.DispatchController, chunk: Buffer): void {
    const before = this.size;
    this.size += chunk.length;
    if (this.chunks && before < SNIPPET_BYTES) this.chunks.push(chunk);
    if (this.kept && before < this.keep) this.kept.push(chunk);
    if (this.size > MAX_BODY_BYTES) {
      this.cutShort = true;
      controller.abort(new Error('response body too large'));
    }
  }

  onResponseEnd(): void {
    this.cancel?.onAbort(undefined);
    const res: PostResponse = { statusCode: this.statusCode, headers: this.headers, bodySnippet: this.chunks ? snippet(this.chunks) : '' };
    if (this.kept) {
      res.body = Buffer.concat(this.kept).subarray(0, this.keep);
      res.bodyBytes = this.size;
    }
    this.resolve(res);
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
