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

test('connects to the checked address and keeps the Host header', async () => {
  const rx = await receiver();
  const guard = new AddressGuard({ allow: ['127.0.0.1'], resolve: async () => [{ address: '127.0.0.1', family: 4 }] });
  const http = createGuardedHttpClient({ guard });
  try {
    const ok = await http.post(`http://hooks.test:${rx.port}/`, post);
    assert.equal(ok.statusCode, 204);
    assert.equal(rx.seen[0]?.host, `hooks.test:${rx.port}`);
    assert.equal(rx.seen[0]?.authorization, undefined);
  } finally {
    await http.close();
    await rx.close();
  }
});

interface Hit {
  method: string;
  url: string;
  body: string;
  authorization: string | undefined;
  contentType: string | undefined;
}

/** A receiver whose paths answer as `routes` says (status and Location); everything else 204. */
async function redirector(host: string, routes: (port: number) => Record<string, [number, string?]>) {
  const hits: Hit[] = [];
  let port = 0;
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      hits.push({ method: req.method ?? '', url: req.url ?? '', body: Buffer.concat(chunks).toString(), authorization: req.headers.authorization, contentType: req.headers['content-type'] });
      const [status, location] = routes(port)[req.url ?? ''] ?? [204];
      res.writeHead(status, location ? { location } : {}).end('moved');
    });
  });
  await new Promise<void>((r) => server.listen(0, host, r));
  port = (server.address() as AddressInfo).port;
  return {
    port,
    hits,
    close: () => new Promise<void>((r) => {
      server.closeAllConnections();
      server.close(() => r());
    }),
  };
}

test('URL credentials are sent as HTTP Basic authorization (percent-decoded), an explicit header wins', async () => {
  const rx = await redirector('127.0.0.1', () => ({}));
  const http = createGuardedHttpClient({ guard: new AddressGuard({ allow: ['127.0.0.1'] }) });
  try {
    await http.post(`http://alice:p%40ss%3Aw0rd@127.0.0.1:${rx.port}/hook`, post);
    assert.equal(rx.hits[0]?.authorization, `Basic ${Buffer.from('alice:p@ss:w0rd').toString('base64')}`);
    assert.equal(rx.hits[0]?.url, '/hook');
    await http.post(`http://token@127.0.0.1:${rx.port}/`, post);
    assert.equal(rx.hits[1]?.authorization, `Basic ${Buffer.from('token:').toString('base64')}`);
    await http.post(`http://alice:pw@127.0.0.1:${rx.port}/`, { ...post, headers: { ...post.headers, Authorization: 'Bearer x' } });
    assert.equal(rx.hits[2]?.authorization, 'Bearer x');
  } finally {
    await http.close();
    await rx.close();
  }
});

test('redirects: 307/308 repeat the POST with its body, 301/302/303 become a GET; credentials stay with their origin', async () => {
  const other = await redirector('127.0.0.1', () => ({}));
  const rx = await redirector('127.0.0.1', (port) => ({
    '/307': [307, '/308'],
    '/308': [308, `http://127.0.0.1:${port}/final`],
    '/303': [303, '/after-303'],
    '/301': [301, '/after-301'],
    '/away': [302, `http://localhost:${other.port}/there`],
    '/no-location': [302],
  }));
  const http = createGuardedHttpClient({ guard: new AddressGuard({ allow: ['127.0.0.1', 'localhost'] }) });
  const body = { headers: { 'content-type': 'application/json' }, body: '{"a":1}' };
  try {
    const r = await http.post(`http://u:p@127.0.0.1:${rx.port}/307`, body);
    assert.equal(r.statusCode, 204);
    assert.deepEqual(rx.hits.map((h) => [h.method, h.url, h.body]), [['POST', '/307', '{"a":1}'], ['POST', '/308', '{"a":1}'], ['POST', '/final', '{"a":1}']]);
    assert.ok(rx.hits.every((h) => h.authorization?.startsWith('Basic ')), 'same origin: credentials kept');
    rx.hits.length = 0;
    assert.equal((await http.post(`http://127.0.0.1:${rx.port}/303`, body)).statusCode, 204);
    assert.equal((await http.post(`http://127.0.0.1:${rx.port}/301`, body)).statusCode, 204);
    assert.deepEqual(rx.hits.map((h) => [h.method, h.url, h.body, h.contentType]), [
      ['POST', '/303', '{"a":1}', 'application/json'],
      ['GET', '/after-303', '', undefined],
      ['POST', '/301', '{"a":1}', 'application/json'],
      ['GET', '/after-301', '', undefined],
    ]);
    assert.equal((await http.post(`http://u:p@127.0.0.1:${rx.port}/away`, body)).statusCode, 204);
    assert.deepEqual(other.hits.map((h) => [h.method, h.url, h.authorization]), [['GET', '/there', undefined]], 'another origin gets no credentials');
    const stuck = await http.post(`http://127.0.0.1:${rx.port}/no-location`, body);
    assert.equal(stuck.statusCode, 302, 'a 3xx without Location is returned as is');
  } finally {
    await http.close();
    await rx.close();
    await other.close();
  }
});

test('redirects are capped at 5; a hop to a refused address is a permanent SSRF failure naming the hop', async () => {
  const refused = await redirector('127.0.0.2', () => ({}));
  const rx = await redirector('127.0.0.1', () => ({
    ...Object.fromEntries(Array.from({ length: 10 }, (_, i) => [`/loop${i}`, [307, `/loop${i + 1}`] as [number, string]])),
    '/five': [307, '/loop6'],
    '/to-private': [307, '/hop2'],
    '/hop2': [302, `http://127.0.0.2:${refused.port}/x`],
    '/to-metadata': [308, 'http://169.254.169.254/latest/meta-data/'],
  }));
  const http = createGuardedHttpClient({ guard: new AddressGuard({ allow: ['127.0.0.1'] }) });
  try {
    // /five → loop6 … loop9 → loop10 (204): five redirects, followed.
    assert.equal((await http.post(`http://127.0.0.1:${rx.port}/five`, post)).statusCode, 204);
    rx.hits.length = 0;
    await assert.rejects(http.post(`http://127.0.0.1:${rx.port}/loop0`, post), (e: unknown) => {
      const err = e as { code?: string; retriable?: boolean; details?: Record<string, unknown> };
      return err.code === 'HTTP_TOO_MANY_REDIRECTS' && err.retriable === false && err.details?.['errorClass'] === 'redirect';
    });
    assert.equal(rx.hits.length, 6, 'the first request and 5 redirects, no more');
    await assert.rejects(http.post(`http://127.0.0.1:${rx.port}/to-private`, post), (e: unknown) => {
      const err = e as Error & { code?: string; retriable?: boolean; details?: Record<string, unknown> };
      return err.code === 'SSRF_REFUSED' && err.retriable === false && err.details?.['errorClass'] === 'ssrf' && err.details?.['redirect'] === 2 &&
        /^redirect 2 to 127\.0\.0\.2:\d+: refused: 127\.0\.0\.2 .*loopback/.test(err.message);
    });
    await assert.rejects(http.post(`http://127.0.0.1:${rx.port}/to-metadata`, post), { code: 'SSRF_REFUSED', message: /^redirect 1 to 169\.254\.169\.254: .*metadata/ });
    assert.equal(refused.hits.length, 0, 'the refused hop was never connected to');
  } finally {
    await http.close();
    await rx.close();
    await refused.close();
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
