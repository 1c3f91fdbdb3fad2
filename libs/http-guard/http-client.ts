import type { IncomingHttpHeaders } from 'node:http';
import { HeraldError } from '@herald/errors';
import { request, type Agent } from 'undici';
import { createGuardedAgent, type GuardedAgentOptions } from './guarded-agent.js';
import { transportError } from './transport-error.js';

export interface PostRequest {
  headers: Record<string, string>;
  body: string | Buffer;
  /** Aborts the exchange (the attempt timeout); an abort by timeout becomes HTTP_TIMEOUT. */
  signal?: AbortSignal;
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

const SNIPPET_BYTES = 1024;

export function createGuardedHttpClient(opts: GuardedAgentOptions): GuardedHttpClient {
  const agent = createGuardedAgent(opts);
  return {
    agent,
    async post(url, req) {
      const target = parseTarget(url);
      try {
        const res = await request(target, { method: 'POST', headers: req.headers, body: req.body, dispatcher: agent, signal: req.signal });
        let bodySnippet = '';
        if (res.statusCode >= 200 && res.statusCode < 300) await res.body.dump({ limit: 64 * 1024 });
        else bodySnippet = await readSnippet(res.body);
        return { statusCode: res.statusCode, headers: res.headers, bodySnippet };
      } catch (err) {
        throw transportError(err, target.host, req.signal);
      }
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

async function readSnippet(body: AsyncIterable<Buffer> & { destroy(): unknown }): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  try {
    for await (const chunk of body) {
      chunks.push(chunk);
      size += chunk.length;
      if (size >= SNIPPET_BYTES) break;
    }
  } catch {
    // The body is informational only.
  } finally {
    body.destroy();
  }
  return Buffer.concat(chunks).subarray(0, SNIPPET_BYTES).toString('utf8').replace(/[^\x20-\x7e]+/g, ' ').trim().slice(0, 200);
}
