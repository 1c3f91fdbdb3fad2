// A fast local webhook receiver, in its own process so that neither the baseline loop nor the
// delivery service shares its CPU time. Answers 200 (after BENCH_RECEIVER_DELAY_MS) and reports
// (webhook-id, arrival time) pairs to the parent over IPC every 50 ms.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

const delayMs = Number(process.env['BENCH_RECEIVER_DELAY_MS'] ?? 0);
let receipts: [string, number][] = [];

const server = createServer((req, res) => {
  const at = Date.now();
  req.resume();
  req.on('end', () => {
    receipts.push([String(req.headers['webhook-id'] ?? ''), at]);
    const answer = () => res.writeHead(200, { 'content-length': '0' }).end();
    if (delayMs > 0) setTimeout(answer, delayMs);
    else answer();
  });
});
server.keepAliveTimeout = 60_000;
let connections = 0;
server.on('connection', () => connections++);
server.listen(0, '127.0.0.1', () => process.send?.({ port: (server.address() as AddressInfo).port }));
setInterval(() => {
  if (receipts.length === 0) return;
  process.send?.({ receipts, connections });
  receipts = [];
}, 50);
process.on('disconnect', () => process.exit(0));
