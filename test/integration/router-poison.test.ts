import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { sampleEvent, SchemaRegistryCodec } from '@herald/events';
import { createKafka, HEADERS, TOPICS } from '@herald/kafka';
import { eventually } from '../helpers/wait.js';
import { TailReader, TEST_BROKERS, TEST_REGISTRY_URL } from '../support/job-reader.js';
import { RouterFixture, uniqueRepo } from '../support/router-fixture.js';

// SPEC §6: bad input never crashes a service and never loses data.
const fx = new RouterFixture();
const repo = uniqueRepo('poison');
const poisonKey = `poison-${randomBytes(4).toString('hex')}`;
const dlq = new TailReader<Buffer | null>(
  createKafka({ brokers: TEST_BROKERS, clientId: 'herald-poison-reader' }),
  new SchemaRegistryCodec({ url: TEST_REGISTRY_URL }),
  [TOPICS.repositoryEventsDlq],
  (key) => key === poisonKey,
  async (_codec, value) => value,
);
let uuid = '';

before(async () => {
  await fx.setup();
  uuid = (await fx.notify(repo, 'repo_push', 'webhook')).uuid;
  await dlq.start();
  await fx.startRouter('router-poison');
});

after(async () => {
  await dlq.stop();
  await fx.teardown();
});

test('100 garbage messages interleaved with valid events: garbage dead-lettered with reasons, every event routed', async () => {
  const kafka = createKafka({ brokers: TEST_BROKERS, clientId: 'herald-poison-test' });
  const producer = kafka.producer();
  await producer.connect();
  const garbage: Buffer[] = [];
  for (let i = 0; i < 100; i++) {
    // Plain bytes, JSON, a fake magic byte with an unknown schema id, and an empty value.
    const kinds = [
      randomBytes(1 + (i % 40)),
      Buffer.from(JSON.stringify({ kind: 'repo_push', i })),
      Buffer.concat([Buffer.from([0, 0x7f, 0xff, 0xff, 0xf0 + (i % 10)]), randomBytes(8)]),
      Buffer.alloc(0),
    ];
    garbage.push(kinds[i % kinds.length]!);
  }
  const valid = Array.from({ length: 100 }, (_, i) => sampleEvent('repo_push', { repository: repo, body: { updated_tags: [`v${i}`] } }));
  try {
    for (let i = 0; i < 100; i++) {
      await fx.events.publish(valid[i]!);
      await producer.send({ topic: TOPICS.repositoryEvents, messages: [{ key: poisonKey, value: garbage[i]! }] });
    }
  } finally {
    await producer.disconnect();
  }
  await eventually(() => {
    assert.equal(dlq.messages.length, 100, 'dead-lettered');
    assert.equal(fx.jobsFor(uuid).length, 100, 'routed');
  }, 60_000, 200);
  const routed = new Set(fx.jobsFor(uuid).map((m) => m.value.event.event_id));
  for (const ev of valid) assert.ok(routed.has(ev.event_id), `event ${ev.event_id} routed`);
  const reasons = new Map<string, number>();
  for (const m of dlq.messages) {
    const reason = m.headers[HEADERS.dlqReason]?.toString() ?? '';
    assert.match(reason, /^DECODE_/);
    assert.ok((m.headers[HEADERS.dlqError]?.toString() ?? '').length > 0, 'error text');
    assert.equal(m.headers[HEADERS.sourceTopic]?.toString(), TOPICS.repositoryEvents);
    reasons.set(reason, (reasons.get(reason) ?? 0) + 1);
  }
  // The original bytes are kept for inspection and replay.
  const kept = new Set(dlq.messages.map((m) => (m.value ?? Buffer.alloc(0)).toString('hex')));
  for (const g of garbage) assert.ok(kept.has(g.toString('hex')));
  console.log(JSON.stringify({ test: 'router-poison', deadLettered: dlq.messages.length, routed: routed.size, reasons: Object.fromEntries(reasons) }));
});
