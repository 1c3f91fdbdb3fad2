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
    await assert.rejects(http.post(`http://127.0.0.1:${hangPort}/`, { ...post, signal: AbortSignal.timeout(200) }), { code: 'HTTP_TIMEOUT', retriable: true });
  } finally {
    hang.closeAllConnections();
    hang.close();
    await http.close();
  }
});
