import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { AddressGuard } from './address-guard.js';
import { createGuardedHttpClient } from './http-client.js';

async function receiver() {
  let connections = 0;
  const seen: IncomingHttpHeaders[] = [];
  const server = createServer((req, res) => {
    seen.push(req.headers);
    req.resume();
    req.on('end', () => {
      if (req.url === '/redirect') res.writeHead(302, { location: '/elsewhere' }).end();
      else res.writeHead(204).end();
    });
  });
  server.on('connection', () => connections++);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    port: (server.address() as AddressInfo).port,
    seen,
    connections: () => connections,
    close: () => new Promise<void>((r) => {
      server.closeAllConnections();
      server.close(() => r());
    }),
  };
}

const post = { headers: { 'content-type': 'application/json' }, body: '{}' };

/** A Cancellation aborted after `ms` (with a TimeoutError) or by hand. */
function cancelAfter(ms: number) {
  const c = {
    aborted: false,
    reason: undefined as unknown,
    cb: undefined as ((reason: unknown) => void) | undefined,
    onAbort(cb: ((reason: unknown) => void) | undefined) {
      c.cb = cb;
    },
    abort(reason: unknown) {
      c.aborted = true;
      c.reason = reason;
      c.cb?.(reason);
    },
  };
  setTimeout(() => c.abort(new DOMException('timed out', 'TimeoutError')), ms).unref();
  return c;
}

test('without the allow-list, loopback targets are refused before connecting', async () => {
  const rx = await receiver();
  const http = createGuardedHttpClient({ guard: new AddressGuard() });
  try {
    await assert.rejects(http.post(`http://127.0.0.1:${rx.port}/`, post), { code: 'SSRF_REFUSED' });
    await assert.rejects(http.post(`http://[::1]:${rx.port}/`, post), { code: 'SSRF_REFUSED' });
    await assert.rejects(http.post(`http://localhost:${rx.port}/`, post), { code: 'SSRF_REFUSED' });
    assert.equal(rx.connections(), 0);
  } finally {
    await http.close();
    await rx.close();
  }
});

test('connects to the checked address, keeps the Host header, and does not follow redirects', async () => {
  const rx = await receiver();
  const guard = new AddressGuard({ allow: ['127.0.0.1'], resolve: async () => [{ address: '127.0.0.1', family: 4 }] });
  const http = createGuardedHttpClient({ guard });
  try {
    const ok = await http.post(`http://hooks.test:${rx.port}/`, post);
    assert.equal(ok.statusCode, 204);
    assert.equal(rx.seen[0]?.host, `hooks.test:${rx.port}`);
    const redirect = await http.post(`http://hooks.test:${rx.port}/redirect`, post);
    assert.equal(redirect.statusCode, 302);
    assert.equal(rx.seen.length, 2, 'the redirect target was not requested');
  } finally {
    await http.close();
    await rx.close();
  }
});

test('an unreachable port is a retriable connection error; a timeout is HTTP_TIMEOUT', async () => {
  const rx = await receiver();
  const port = rx.port;
  await rx.close();
  const http = createGuardedHttpClient({ guard: new AddressGuard({ allow: ['127.0.0.1'] }) });
  const hang = createServer(() => undefined);
  await new Promise<void>((r) => hang.listen(0, '127.0.0.1', r));
  try {
    await assert.rejects(http.post(`http://127.0.0.1:${port}/`, post), { code: 'HTTP_CONNECTION_FAILED', retriable: true });
    const hangPort = (hang.address() as AddressInfo).port;
    await assert.rejects(http.post(`http://127.0.0.1:${hangPort}/`, { ...post, cancel: cancelAfter(200) }), { code: 'HTTP_TIMEOUT', retriable: true });
  } finally {
    hang.closeAllConnections();
    hang.close();
    await http.close();
  }
});

test('an abort that is not a timeout is HTTP_ABORTED; an aborted request is not sent', async () => {
  const hang = createServer(() => undefined);
  await new Promise<void>((r) => hang.listen(0, '127.0.0.1', r));
  const http = createGuardedHttpClient({ guard: new AddressGuard({ allow: ['127.0.0.1'] }) });
  const url = `http://127.0.0.1:${(hang.address() as AddressInfo).port}/`;
  try {
    const c = cancelAfter(60_000);
    const pending = http.post(url, { ...post, cancel: c });
    setTimeout(() => c.abort(new Error('stopping')), 100);
    await assert.rejects(pending, { code: 'HTTP_ABORTED', retriable: true });
    const before = cancelAfter(60_000);
    before.abort(new Error('stopping'));
    await assert.rejects(http.post(url, { ...post, cancel: before }), { code: 'HTTP_ABORTED' });
  } finally {
    hang.closeAllConnections();
    hang.close();
    await http.close();
  }
});

test('error bodies give a printable snippet with the headers; a huge body is cut, not read to the end', async () => {
  const big = Buffer.alloc(1024 * 1024, 'x');
  const server = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      if (req.url === '/error') res.writeHead(503, { 'retry-after': '7' }).end('down for\nmaintenance \u0001 back soon');
      else res.writeHead(200).end(big);
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const http = createGuardedHttpClient({ guard: new AddressGuard({ allow: ['127.0.0.1'] }) });
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  try {
    const err = await http.post(`${base}/error`, post);
    assert.equal(err.statusCode, 503);
    assert.equal(err.headers['retry-after'], '7');
    assert.equal(err.bodySnippet, 'down for maintenance back soon');
    const ok = await http.post(`${base}/big`, post);
    assert.deepEqual([ok.statusCode, ok.bodySnippet], [200, '']);
  } finally {
    server.closeAllConnections();
    server.close();
    await http.close();
  }
});

test('an invalid or non-HTTP URL is a config error naming the problem, not a crash', async () => {
  const http = createGuardedHttpClient({ guard: new AddressGuard() });
  try {
    await assert.rejects(http.post('not a url', post), { code: 'URL_INVALID' });
    await assert.rejects(http.post('ftp://example.com/x', post), { code: 'URL_INVALID', message: /unsupported URL scheme ftp:/ });
  } finally {
    await http.close();
  }
});
