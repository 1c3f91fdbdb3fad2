// Issue 20's acceptance against a real registry: CNCF Distribution (built from the Go module proxy)
// notifies the ingest service; crane pushes an image, adds three tags, deletes one and pulls; a
// webhook notification for the repository receives one repo_push with every pushed tag, in Quay's
// body shape, and nothing for the pulls or the delete.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createKafka, DELIVERY_METHODS, setGroupOffsetsToEnd, TOPICS } from '@herald/kafka';
import { NotificationStore } from '@herald/subscriptions';
import { startService, type ServiceProcess } from '@herald/testing';
import { openTestDb, type TestDb } from '../helpers/mongo.js';
import { eventually } from '../helpers/wait.js';
import { DistributionRegistry, registryTools } from '../support/distribution-registry.js';
import { IngestFixture } from '../support/ingest-fixture.js';
import { TEST_KAFKA_BROKERS as TEST_BROKERS } from '../helpers/kafka.js';

// Wide enough for crane's separate processes on a busy machine; the coalescing test covers the default.
const ing = new IngestFixture({ INGEST_WINDOW_MS: '6000' });
let registry: DistributionRegistry;
let testDb: TestDb;
let receiver: Server;
const received: { headers: Record<string, string | string[] | undefined>; body: string }[] = [];
const services: ServiceProcess[] = [];

async function metric(port: number, name: string, labels: string): Promise<number> {
  const text = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
  const line = text.split('\n').find((l) => l.startsWith(`${name}{`) && l.includes(labels));
  return line ? Number(line.split(' ').pop()) : 0;
}

before(async () => {
  const tools = registryTools();
  receiver = createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => {
      received.push({ headers: req.headers, body });
      res.writeHead(200).end();
    });
  });
  await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', r));
  const receiverUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hook`;

  testDb = await openTestDb('ingest');
  const store = new NotificationStore(testDb.db);
  await store.ensureIndexes();
  await store.insert({ uuid: randomUUID(), repository: ing.repo('app'), event: 'repo_push', method: 'webhook', config: { url: receiverUrl }, event_config: {}, title: null, signing_secret: 'whsec_test', created_by: 'alice' });

  const kafka = createKafka({ brokers: TEST_BROKERS, clientId: 'herald-ingest-test' });
  const env = { MONGO_DB: testDb.name, ROUTER_GROUP_ID: `herald-ingest-test-router-${ing.id}`, ROUTER_INSTANCE_ID: `ingest-test-${ing.id}`, DELIVERY_GROUP_ID: `herald-ingest-test-webhook-${ing.id}`, WEBHOOK_ALLOW_LIST: '127.0.0.1/32' };
  await setGroupOffsetsToEnd(kafka, env.ROUTER_GROUP_ID, [TOPICS.repositoryEvents]);
  await setGroupOffsetsToEnd(kafka, env.DELIVERY_GROUP_ID, [TOPICS.jobs('webhook'), ...[1, 2, 3, 4, 5, 6].map((n) => TOPICS.retry('webhook', n))]);
  assert.ok(DELIVERY_METHODS.includes('webhook'));
  for (const name of ['router', 'delivery-webhook']) {
    const p = await startService(name, env, `${name}-ingest-${ing.id}`);
    services.push(p);
    await p.ready(90_000);
  }
  await ing.start();
  registry = new DistributionRegistry(tools);
  await registry.start(`${ing.url}/v1/distribution/events`, ing.token);
});

after(async () => {
  await registry?.stop();
  await ing.stop();
  await Promise.all(services.map((p) => p.kill('SIGTERM')));
  await new Promise((r) => receiver?.close(r));
  await testDb?.drop();
});

test('push, three more tags, a delete and pulls on a real Distribution registry: one repo_push with the pushed tags, Quay-shaped', async () => {
  const ref = `${registry.host}/${ing.repo('app')}`;
  const t0 = Date.now();
  await registry.crane('append', '-f', registry.layer(), '-t', `${ref}:v1`);
  for (const tag of ['v2', 'v3', 'v4']) await registry.crane('tag', `${ref}:v1`, tag);
  const pushedIn = Date.now() - t0;

  const [delivery] = await eventually(() => {
    assert.equal(received.length, 1, 'webhook deliveries');
    return received;
  }, 60_000, 100);
  const body = JSON.parse(delivery!.body) as Record<string, unknown>;
  assert.deepEqual(
    { ...body, updated_tags: [...(body['updated_tags'] as string[])].sort() },
    {
      repository: ing.repo('app'),
      namespace: ing.namespace,
      name: 'app',
      docker_url: ref,
      homepage: `http://${registry.host}/repository/${ing.repo('app')}`,
      updated_tags: ['v1', 'v2', 'v3', 'v4'],
    },
    `pushed within ${pushedIn} ms`,
  );
  assert.ok(delivery!.headers['webhook-id'], 'a delivery id header');

  // Now a delete and pulls: the registry notifies them (counted by ingest), nothing is delivered.
  const port = ing.service!.opsPort;
  const pullsBefore = await metric(port, 'herald_ingest_dropped_total', 'reason="pull"');
  await registry.crane('delete', `${ref}:v4`);
  await registry.crane('manifest', `${ref}:v2`);
  await registry.crane('pull', `${ref}:v3`, `${registry.layer()}.image.tar`);
  await eventually(async () => {
    assert.ok((await metric(port, 'herald_ingest_dropped_total', 'reason="delete"')) >= 1, 'delete counted');
    assert.ok((await metric(port, 'herald_ingest_dropped_total', 'reason="pull"')) > pullsBefore, 'pulls counted');
  }, 30_000, 100);
  // Bounded: a window and the routing/delivery latency past the moment ingest counted them.
  await new Promise((r) => setTimeout(r, 6_000));
  assert.equal(received.length, 1, 'nothing delivered for the delete or the pulls');
  assert.equal(ing.of(ing.repo('app')).length, 1, 'one Herald event on repository-events');
});
