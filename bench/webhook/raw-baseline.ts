import { Agent, request } from 'undici';

const SIGNATURE = `v1,${'A'.repeat(43)}=`;

/**
 * The baseline: a bare undici POST loop (keep-alive, `concurrency` requests in flight) sending
 * `n` requests with the same kind of body and headers the service sends, to the same receiver.
 */
export async function rawPostLoop(url: string, n: number, concurrency: number, body: string, idPrefix: string): Promise<void> {
  const agent = new Agent({ connections: concurrency, keepAliveTimeout: 30_000, pipelining: 1 });
  let next = 0;
  const worker = async () => {
    while (next < n) {
      const i = next++;
      const res = await request(url, {
        method: 'POST',
        dispatcher: agent,
        body,
        headers: {
          'content-type': 'application/json',
          'user-agent': 'Herald/bench',
          'webhook-id': `${idPrefix}${i}`,
          'webhook-timestamp': String(Math.floor(Date.now() / 1000)),
          // A signature header of the real length (the loop does not compute it: it is the baseline).
          'webhook-signature': SIGNATURE,
        },
      });
      await res.body.dump();
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  await agent.close();
}
