import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/** One request a demo receiver got. */
export interface Received {
  at: string;
  receiver: string;
  method: string;
  path: string;
  headers: Record<string, string>;
  body: string;
}

export interface Inbox {
  url: string;
  received: Received[];
  /** Records a message from another receiver (the SMTP catcher) so one page shows everything. */
  add(r: Omit<Received, 'at'>): void;
  /** The status answered to a POST on `path` (200 by default; tests make an endpoint fail). */
  statusFor: (path: string) => number;
  close(): Promise<void>;
}

const MAX_KEPT = 500;

/**
 * The demo's stand-in for webhook receivers, Slack, Flowdock and HipChat: records every POST (the
 * path's first segment names the receiver) and shows them newest first at `/` (HTML, every value
 * escaped) and `/requests` (JSON).
 */
export async function startInbox(port: number): Promise<Inbox> {
  const received: Received[] = [];
  const add = (r: Omit<Received, 'at'>) => {
    received.unshift({ at: new Date().toISOString(), ...r });
    received.length = Math.min(received.length, MAX_KEPT);
  };
  const inbox = { statusFor: (_path: string) => 200 };
  const server: Server = createServer((req, res) => {
    void readBody(req).then((body) => {
      const path = req.url ?? '/';
      if (req.method === 'GET' && path === '/requests') {
        res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(received, null, 2));
        return;
      }
      if (req.method === 'GET') {
        res.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'content-security-policy': "default-src 'none'; style-src 'unsafe-inline'" });
        res.end(page(received));
        return;
      }
      const headers = Object.fromEntries(Object.entries(req.headers).map(([k, v]) => [k, String(v)]));
      const status = inbox.statusFor(path);
      add({ receiver: path.split('/')[1] || 'webhook', method: req.method ?? 'POST', path: path.split('?')[0] ?? path, headers, body });
      res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify({ ok: status < 300 }));
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve());
  });
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return Object.assign(inbox, { url, received, add, close: () => new Promise<void>((r) => server.close(() => r())) });
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8').slice(0, 64 * 1024)));
  });
}

const esc = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

function page(items: Received[]): string {
  const rows = items
    .map((r) => `<section><h2>${esc(r.receiver)} · ${esc(r.at)}</h2><p>${esc(r.method)} ${esc(r.path)}</p><pre>${esc(pretty(r.body))}</pre></section>`)
    .join('\n');
  return `<!doctype html><meta charset="utf-8"><meta http-equiv="refresh" content="5"><title>Herald demo inbox</title>
<style>body{font:14px system-ui;margin:2em}section{border-bottom:1px solid #ccc}pre{white-space:pre-wrap;background:#f6f6f6;padding:.5em}</style>
<h1>Herald demo inbox (${items.length})</h1>${rows || '<p>nothing received yet</p>'}`;
}

function pretty(body: string): string {
  try {
    return JSON.stringify(JSON.parse(body), null, 2);
  } catch {
    return body;
  }
}
