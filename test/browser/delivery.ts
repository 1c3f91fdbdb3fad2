// The delivery side of the browser tests: a local HTTP receiver, and the delivery services run as
// their own processes (as deployed) against the config API's database.
import { randomBytes } from 'node:crypto';
import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ensureTopics, setGroupOffsetsToEnd, TOPICS, topicSpecs, type DeliveryMethod } from '@herald/kafka';
import { startService, type ServiceProcess } from '@herald/testing';
import { testKafka } from '../helpers/kafka.js';

export interface Received {
  path: string;
  headers: IncomingHttpHeaders;
  body: string;
}

export interface Receiver {
  url: string;
  requests: Received[];
  close(): Promise<void>;
}

/** An HTTP receiver on 127.0.0.1 that records every request and answers `statusFor(path)`. */
export async function startReceiver(statusFor: (path: string) => number): Promise<Receiver> {
  const requests: Received[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const path = req.url ?? '';
      requests.push({ path, headers: req.headers, body: Buffer.concat(chunks).toString('utf8') });
      res.writeHead(statusFor(path), { 'content-type': 'text/plain' }).end('ok');
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    close: () =>
      new Promise<void>((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}

/**
 * Starts a delivery service (services/<name>) as its own process on the config API's database, with
 * its own consumer group positioned at the end of its job topics (it sees only this test's jobs)
 * and a short one-retry schedule, without circuit breakers.
 */
export async function startDeliveryService(name: string, method: DeliveryMethod, mongoDb: string, env: Record<string, string> = {}): Promise<ServiceProcess> {
  const groupId = `herald-test-browser-${method}-${randomBytes(4).toString('hex')}`;
  const topics = [TOPICS.jobs(method), TOPICS.retry(method, 1)];
  // The stack's brokers as every test finds them (KAFKA_PORT or KAFKA_BROKERS), not a fixed 9092.
  const kafka = testKafka('herald-browser-test');
  await ensureTopics(kafka, topicSpecs().filter((s) => topics.includes(s.name)));
  await setGroupOffsetsToEnd(kafka, groupId, topics);
  const service = await startService(
    name,
    {
      MONGO_DB: mongoDb,
      DELIVERY_GROUP_ID: groupId,
      DELIVERY_RETRY_DELAYS_MS: '200',
      DELIVERY_ATTEMPT_TIMEOUT_MS: '3000',
      DELIVERY_FAILURE_THRESHOLD: '3',
      // The page's tests fail deliveries on purpose, on one receiver (one destination): a breaker
      // opened by them would hold back the re-drive and the other tests' deliveries for its back-off.
      BREAKER_FAILURES: '0',
      DELIVERY_SESSION_TIMEOUT_MS: '6000',
      SHUTDOWN_TIMEOUT_MS: '5000',
      ...env,
    },
    `browser-${name}`,
  );
  try {
    await service.ready(90_000);
  } catch (err) {
    await service.kill();
    throw err;
  }
  return service;
}

/** delivery-webhook, with the SSRF allow-list opened for 127.0.0.1 where the receivers listen. */
export function startWebhookService(mongoDb: string): Promise<ServiceProcess> {
  return startDeliveryService('delivery-webhook', 'webhook', mongoDb, { WEBHOOK_ALLOW_LIST: '127.0.0.1' });
}

/** delivery-inapp: stores in-app notifications where the config API's bell reads them. */
export function startInAppService(mongoDb: string): Promise<ServiceProcess> {
  return startDeliveryService('delivery-inapp', 'quay_notification', mongoDb);
}
