// Kafka does not acknowledge (issue 20): every broker of the stack is killed. An envelope posted
// then is answered 503 with Retry-After within a bounded time (a 2xx would promise what Kafka never
// acknowledged), /readyz says not ready, naming Kafka, and the process stays alive. Once the brokers
// are back, the service is ready again without a restart, the same envelope (the registry's retry)
// is accepted, and its tag is published exactly once.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { REPOSITORY_EVENT_SCHEMA, SchemaRegistryCodec, type RepositoryEvent, type RepositoryEventOf } from '@herald/events';
import { kafkaBrokerPids, startKafkaBroker, stopKafkaBroker } from '@herald/infra';
import { createKafka, TOPICS } from '@herald/kafka';
import { readyz } from '../helpers/http.js';
import { TEST_KAFKA_BROKERS, TEST_SCHEMA_REGISTRY_URL } from '../helpers/kafka.js';
import { eventually } from '../helpers/wait.js';
import { distributionEvent, IngestFixture } from '../support/ingest-fixture.js';
import { TailReader } from '../support/job-reader.js';

const WINDOW_MS = 500;
const ing = new IngestFixture({ INGEST_WINDOW_MS: String(WINDOW_MS) });
let brokers: number[] = [];
const tagsOf = (reader: TailReader<RepositoryEvent>, repo: string) => reader.of(repo).map((m) => (m.value as RepositoryEventOf<'repo_push'>).body.updated_tags);
const kafka = createKafka({ brokers: TEST_KAFKA_BROKERS, clientId: 'herald-ingest-kafka-down-test' });
const codec = new SchemaRegistryCodec({ url: TEST_SCHEMA_REGISTRY_URL });
const readers: TailReader<RepositoryEvent>[] = [];
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

before(async () => {
  brokers = (await kafkaBrokerPids()).flatMap((pid, i) => (pid === undefined ? [] : [i]));
  await ing.start();
});

after(async () => {
  // Whatever happened, the stack is left with every broker running for the tests after this one.
  for (const i of brokers) await startKafkaBroker(i).catch((err: unknown) => console.error(err));
  await ing.stop();
  await Promise.all(readers.map((r) => r.stop()));
});

test('Kafka down: 503 with Retry-After and not ready; back: ready, the retried envelope is accepted and published once', { timeout: 300_000 }, async (t) => {
  if (brokers.length === 0) return t.skip('the stack was not started by this checkout: its brokers cannot be stopped');
  const port = ing.service!.opsPort;
  const repo = ing.repo('outage');
  // Before: accepted and emitted (no window of ours is open, no transaction in flight, at the kill).
  assert.equal((await ing.post('/v1/distribution/events', { events: [distributionEvent({ action: 'push', repository: repo, tag: 'before' })] })).status, 202);
  await eventually(() => assert.deepEqual(tagsOf(ing.events, repo), [['before']]), 20_000);

  for (const i of brokers) await stopKafkaBroker(i, { signal: 'SIGKILL' });
  const envelope = { events: [distributionEvent({ action: 'push', repository: repo, tag: 'during' })] };
  const t0 = Date.now();
  const refused = await ing.post('/v1/distribution/events', envelope);
  const refusedMs = Date.now() - t0;
  assert.equal(refused.status, 503, JSON.stringify(refused.body));
  assert.ok(refusedMs < 30_000, `answered after ${refusedMs} ms`);
  assert.ok(Number(refused.headers.get('retry-after')) >= 1, 'Retry-After');
  assert.match(String(refused.body['error']), /Kafka did not acknowledge/);
  const down = await eventually(async () => {
    const r = await readyz(port);
    assert.equal(r.status, 503, 'not ready while Kafka is down');
    return r;
  }, 30_000, 200);
  assert.match(String(down.reason), /kafka/i);
  assert.equal((await fetch(`http://127.0.0.1:${port}/healthz`)).status, 200, 'alive through the outage');

  for (const i of brokers) await startKafkaBroker(i);
  const back = Date.now();
  await eventually(async () => assert.equal((await readyz(port)).status, 200, 'ready again without a restart'), 60_000, 200);
  const readyMs = Date.now() - back;
  // What is published from now on, read by a reader of its own (the fixture's lived through the outage).
  const tail = new TailReader<RepositoryEvent>(kafka, codec, [TOPICS.repositoryEvents], (key) => key === repo, (c, v) => c.decode(v, REPOSITORY_EVENT_SCHEMA));
  readers.push(tail);
  await eventually(() => tail.start(), 30_000, 500);
  // The registry retries the same envelope (with back-off) until it is accepted.
  const accepted = await eventually(async () => {
    const r = await ing.post('/v1/distribution/events', envelope);
    assert.equal(r.status, 202, JSON.stringify(r.body));
    return r;
  }, 30_000, 500);
  assert.deepEqual(accepted.body, { published: 1, duplicates: 0, dropped: {} }, 'the refused attempt published nothing');
  const acceptedMs = Date.now() - back;
  await eventually(() => assert.deepEqual(tagsOf(tail, repo), [['during']]), 30_000);
  // Exactly once: nothing more after a few windows.
  await sleep(WINDOW_MS * 4 + 1_000);
  assert.deepEqual(tagsOf(tail, repo), [['during']]);
  assert.equal(ing.service!.child.exitCode, null, 'the same process throughout');
  console.log(JSON.stringify({ test: 'ingest-kafka-down', brokers: brokers.length, refused_after_ms: refusedMs, ready_after_ms: readyMs, accepted_after_ms: acceptedMs, reason: down.reason }));
});
