import { createServer, connect, type Server, type Socket } from 'node:net';

/**
 * A TCP proxy on loopback in front of a real server, to give a client a real outage: `cut()`
 * closes every connection and refuses new ones, `restore()` listens again on the same port, and
 * `loseReplies()` lets requests through but closes the connection instead of passing the reply
 * (a write that succeeded, with the acknowledgement lost).
 */
export class TcpProxy {
  private server: Server | undefined;
  private readonly sockets = new Set<Socket>();
  private replies: 'pass' | 'lose' = 'pass';

  private constructor(
    private readonly target: { host: string; port: number },
    public port: number,
  ) {}

  static async start(target: { host: string; port: number }): Promise<TcpProxy> {
    const proxy = new TcpProxy(target, 0);
    await proxy.restore();
    return proxy;
  }

  /** Listens (again) on the proxy's port. */
  async restore(): Promise<void> {
    this.replies = 'pass';
    const server = createServer((client) => this.pipe(client));
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.port, '127.0.0.1', () => resolve());
    });
    this.port = (server.address() as { port: number }).port;
    this.server = server;
  }

  /** Closes every connection and stops listening: clients get connection refused. */
  async cut(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    for (const s of this.sockets) s.destroy();
    this.sockets.clear();
    if (server) await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  /** From now on a reply from the server closes its connection instead of reaching the client. */
  loseReplies(): void {
    this.replies = 'lose';
  }

  passReplies(): void {
    this.replies = 'pass';
  }

  private pipe(client: Socket): void {
    const upstream = connect(this.target.port, this.target.host);
    this.sockets.add(client).add(upstream);
    const close = () => {
      client.destroy();
      upstream.destroy();
      this.sockets.delete(client);
      this.sockets.delete(upstream);
    };
    client.on('data', (d) => upstream.write(d));
    upstream.on('data', (d) => {
      if (this.replies === 'lose') close();
      else client.write(d);
    });
    client.on('close', close).on('error', close);
    upstream.on('close', close).on('error', close);
  }
}
