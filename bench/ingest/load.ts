import { Agent, request } from 'node:http';

export interface LoadResult {
  ok: number;
  refused: number;
  seconds: number;
  perSecond: number;
}

/**
 * POSTs to `url` from `concurrency` keep-alive connections for `durationMs`: each connection sends
 * its next request when the previous one is answered. `body(i)` makes the i-th body.
 */
export async function loadLoop(url: string, headers: Record<string, string>, body: (i: number) => string, concurrency: number, durationMs: number): Promise<LoadResult> {
  const agent = new Agent({ keepAlive: true, maxSockets: concurrency });
  const target = new URL(url);
  let ok = 0;
  let refused = 0;
  let n = 0;
  const t0 = performance.now();
  const end = t0 + durationMs;
  const post = (payload: string) =>
    new Promise<number>((resolve, reject) => {
      const req = request({ agent, host: target.hostname, port: target.port, path: target.pathname, method: 'POST', headers: { ...headers, 'content-length': Buffer.byteLength(payload) } }, (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode ?? 0));
      });
      req.on('error', reject);
      req.end(payload);
    });
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (performance.now() < end) {
        const status = await post(body(n++));
        if (status >= 200 && status < 300) ok++;
        else refused++;
      }
    }),
  );
  const seconds = (performance.now() - t0) / 1000;
  agent.destroy();
  return { ok, refused, seconds, perSecond: ok / seconds };
}
