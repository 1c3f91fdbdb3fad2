// Shared set-up of the delivery operations tests (inspection, resend, health): the webhook service
// and the config API in-process on one database, receivers on loopback that answer with a body.
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import type { NotificationDoc } from '@herald/subscriptions';
import { startConfigApi, type RunningConfigApi } from '../helpers/config-api.js';
import { adminToken } from '../helpers/tokens.js';
import { WebhookFixture, type Instance } from './webhook-fixture.js';

export interface Seen {
  url: string;
  headers: IncomingHttpHeaders;
  body: string;
}

export interface Answer {
  status: number;
  headers?: Record<string, string>;
  body?: string;
  delayMs?: number;
}

export interface BodyReceiver {
  url: string;
  port: number;
  seen: Seen[];
  respond(fn: (r: Seen) => Answer): void;
  waitFor(n: number, timeoutMs?: number): Promise<Seen[]>;
  close(): Promise<void>;
}

/** A loopback HTTP receiver that records each request and answers with status, headers and a body. */
export async function startBodyReceiver(fn: (r: Seen) => Answer = () => ({ status: 200 })): Promise<BodyReceiver> {
  let answer = fn;
  const seen: Seen[] = [];
  const sockets = new Set<Socket>();
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const r: Seen = { url: req.url ?? '', headers: req.headers, body: Buffer.concat(chunks).toString('utf8') };
      seen.push(r);
      const a = answer(r);
      const send = () => res.writeHead(a.status, a.headers ?? {}).end(a.body ?? '');
      if (a.delayMs) setTimeout(send, a.delayMs);
      else send();
    });
  });
  server.on('connection', (s: Socket) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    seen,
    respond: (f) => (answer = f),
    async waitFor(n, timeoutMs = 20_000) {
      const deadline = Date.now() + timeoutMs;
      while (seen.length < n) {
        if (Date.now() > deadline) throw new Error(`receiver got ${seen.length} of ${n} requests`);
        await new Promise((r) => setTimeout(r, 20));
      }
      return seen;
    },
    close: () =>
      new Promise<void>((r) => {
        for (const s of sockets) s.destroy();
        server.close(() => r());
      }),
  };
}

/** The webhook service and the config API over one database. */
export class DeliveryOpsFixture {
  readonly fx = new WebhookFixture();
  svc!: Instance;
  api!: RunningConfigApi;

  async setup(env: Record<string, string> = {}): Promise<void> {
    await this.fx.setup();
    this.svc = await this.fx.instance({ WEBHOOK_ALLOW_LIST: '127.0.0.1', ...env });
    this.api = await startConfigApi({ env: { MONGO_DB: this.svc.db.name } });
  }

  async teardown(): Promise<void> {
    await this.api?.stop().catch(() => undefined);
    await this.fx.teardown();
  }

  async receiver(fn?: (r: Seen) => Answer): Promise<BodyReceiver> {
    const rx = await startBodyReceiver(fn);
    this.fx.onTeardown(rx.close);
    return rx;
  }

  notify(config: Record<string, unknown>): Promise<NotificationDoc> {
    return this.fx.notify(this.svc, config);
  }

  /** GET/POST on the notification's API path (`rest` after `…/notification/{uuid}`) as its repository's admin. */
  async call<T = unknown>(n: NotificationDoc, method: string, rest: string, token?: string): Promise<{ status: number; body: T }> {
    const t = token ?? (await adminToken(n.repository));
    const r = await this.api.request<T>(method, `/api/v1/repository/${n.repository}/notification/${n.uuid}${rest}`, { token: t });
    return { status: r.status, body: r.body };
  }
}
