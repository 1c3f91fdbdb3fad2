// SubscriptionView against the local stack: its consumer groups do not outlive it, and a feed it
// can no longer follow is reported (onFatal, state, healthy) instead of leaving a stale view.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { DecodeError, HeraldError } from '@herald/errors';
import { SchemaRegistryCodec } from '@herald/events';
import { TOPICS, type Consumer, type Kafka } from '@herald/kafka';
import { createLogger } from '@herald/logger';
import { NotificationStore, registryChangeCodec, SubscriptionChangePublisher, SubscriptionView, type ChangeCodec, type NotificationDoc } from '@herald/subscriptions';
import { TEST_SCHEMA_REGISTRY_URL, testKafka } from '../helpers/kafka.js';
import { openTestDb, type TestDb } from '../helpers/mongo.js';
import { eventually } from '../helpers/wait.js';

const logger = createLogger({ service: 'subscription-view-test', level: 'fatal' });
let kafka: Kafka;
let t: TestDb;
let codec: ChangeCodec;
let publisher: SubscriptionChangePublisher;

before(async () => {
  kafka = testKafka('herald-test-subscription-view');
  t = await openTestDb('subscription_view');
  codec = registryChangeCodec(new SchemaRegistryCodec({ url: TEST_SCHEMA_REGISTRY_URL }));
  publisher = new SubscriptionChangePublisher(kafka, codec, logger);
  await publisher.connect();
});
after(async () => {
  await publisher?.disconnect();
  await t?.drop();
});

function doc(uuid = randomUUID()): NotificationDoc {
  const now = new Date();
  return {
    uuid,
    repository: 'herald-test/view',
    event: 'repo_push',
    method: 'webhook',
    config: { url: 'https://hooks.example.com/view' },
    event_config: {},
    title: null,
    number_of_failures: 0,
    disabled: false,
    disabled_reason: null,
    signing_secret: 'whsec_test',
    created_by: 'tester',
    created_at: now,
    updated_at: now,
    version: 1,
  } as NotificationDoc;
}

/** The registry codec, throwing `fail(uuid)`'s error for the changes it picks. */
function failingCodec(fail: (uuid: string) => Error | undefined): ChangeCodec {
  return {
    ready: () => codec.ready(),
    encode: (c) => codec.encode(c),
    async decode(value) {
      const c = await codec.decode(value);
      const err = fail(c.subscription.uuid);
      if (err) throw err;
      return c;
    },
  };
}

async function groupsOf(prefix: string): Promise<string[]> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    return (await admin.listGroups()).groups.map((g) => g.groupId).filter((id) => id.startsWith(`${prefix}-`));
  } finally {
    await admin.disconnect();
  }
}

async function deleteGroups(ids: string[]): Promise<void> {
  const admin = kafka.admin();
  await admin.connect();
  await admin.deleteGroups(ids).catch(() => undefined);
  await admin.disconnect();
}

/** A plain consumer in group `groupId` on the feed, once it has joined. */
async function joinedConsumer(groupId: string): Promise<Consumer> {
  const c = kafka.consumer({ groupId, maxWaitTimeInMs: 100 });
  const joined = new Promise<void>((resolve) => c.on(c.events.GROUP_JOIN, () => resolve()));
  await c.connect();
  await c.subscribe({ topic: TOPICS.subscriptionChanges, fromBeginning: false });
  await c.run({ autoCommit: false, eachMessage: async () => undefined });
  await joined;
  return c;
}

const prefixFor = (name: string) => `herald-test-view-${name}-${randomUUID().slice(0, 8)}`;

test('started and stopped twice, a view leaves no consumer group behind', async () => {
  const prefix = prefixFor('cycle');
  for (let round = 0; round < 2; round++) {
    const view = new SubscriptionView({ kafka, store: new NotificationStore(t.db), codec, logger, groupPrefix: prefix });
    await view.start();
    assert.equal(view.state, 'running');
    assert.ok(view.healthy());
    await eventually(() => assert.ok(view.consuming, 'consuming once joined'));
    assert.equal((await groupsOf(prefix)).length, 1, 'one group while running');
    await view.stop();
    assert.equal(view.state, 'stopped');
    assert.equal(view.healthy(), false);
    assert.equal(view.consuming, false);
  }
  assert.deepEqual(await groupsOf(prefix), []);
});

test('a start deletes empty leftover groups of its prefix; groups with members and young ones stay', async () => {
  const prefix = prefixFor('sweep');
  const legacy = `${prefix}-${randomUUID()}`;
  const oldEmpty = `${prefix}-${(Date.now() - 3_600_000).toString(36)}-${randomUUID()}`;
  const young = `${prefix}-${Date.now().toString(36)}-${randomUUID()}`;
  const live = `${prefix}-${(Date.now() - 3_600_000).toString(36)}-${randomUUID()}`;
  const other = `${prefix}x-${randomUUID()}`;
  for (const id of [legacy, oldEmpty, young, other]) await (await joinedConsumer(id)).disconnect();
  const member = await joinedConsumer(live);
  try {
    assert.deepEqual((await groupsOf(prefix)).sort(), [legacy, oldEmpty, young, live].sort(), 'leftovers exist before the start');
    const view = new SubscriptionView({ kafka, store: new NotificationStore(t.db), codec, logger, groupPrefix: prefix });
    await view.start();
    const during = await groupsOf(prefix);
    assert.ok(!during.includes(legacy) && !during.includes(oldEmpty), 'empty leftovers deleted');
    assert.ok(during.includes(young), 'a group younger than a minute is kept (it may be joining)');
    assert.ok(during.includes(live), 'a group with a member is kept');
    await view.stop();
    assert.deepEqual((await groupsOf(prefix)).sort(), [young, live].sort(), "the view's own group is gone");
  } finally {
    await member.disconnect();
    await deleteGroups([young, live, other]);
  }
});

test('after start, an undecodable change is skipped; a non-retriable error fires onFatal once and fails the view', async () => {
  const prefix = prefixFor('fatal');
  const [bad, next, poison] = [randomUUID(), randomUUID(), randomUUID()];
  const fatal: Error[] = [];
  const applied: string[] = [];
  let fatalSeen!: () => void;
  const fatalPromise = new Promise<void>((resolve) => (fatalSeen = resolve));
  const view = new SubscriptionView({
    kafka,
    store: new NotificationStore(t.db),
    codec: failingCodec((uuid) =>
      uuid === bad ? new DecodeError('INVALID', 'test: damaged record') : uuid === poison ? new HeraldError('TEST_POISON', 'test: cannot apply', { retriable: false }) : undefined,
    ),
    logger,
    groupPrefix: prefix,
    onChange: (s) => applied.push(s.uuid),
    onFatal: (err) => {
      fatal.push(err);
      fatalSeen();
    },
  });
  await view.start();
  await publisher.upsert(doc(bad));
  await publisher.upsert(doc(next));
  await eventually(() => assert.ok(applied.includes(next), 'the change after the damaged one applied'));
  assert.ok(!applied.includes(bad));
  assert.equal(view.state, 'running', 'a damaged record does not fail the view');

  await publisher.upsert(doc(poison));
  await fatalPromise;
  assert.equal(fatal.length, 1);
  const err = fatal[0] as Error & { cause?: unknown };
  assert.equal(view.lastError, err);
  assert.ok(String(err.message).includes('test: cannot apply'), err.message);
  assert.equal(view.state, 'failed');
  assert.equal(view.healthy(), false);
  assert.equal(view.consuming, false);
  assert.ok(!applied.includes(poison));
  await eventually(async () => assert.deepEqual(await groupsOf(prefix), [], 'the failed view left and deleted its group'));
  await view.stop();
  assert.equal(view.state, 'failed', 'stop keeps the failure visible');
  assert.equal(fatal.length, 1, 'onFatal fired once');
});

test('a non-retriable error before the view caught up rejects start(), not onFatal', async () => {
  const prefix = prefixFor('startfail');
  await publisher.upsert(doc()); // the feed is not empty, so start() must read it
  let fatal = 0;
  const view = new SubscriptionView({
    kafka,
    store: new NotificationStore(t.db),
    codec: failingCodec(() => new HeraldError('TEST_POISON', 'test: cannot apply', { retriable: false })),
    logger,
    groupPrefix: prefix,
    onFatal: () => fatal++,
  });
  await assert.rejects(view.start(), /test: cannot apply/);
  assert.equal(view.state, 'failed');
  assert.equal(view.healthy(), false);
  assert.match(String(view.lastError?.message), /test: cannot apply/);
  assert.equal(fatal, 0);
  assert.deepEqual(await groupsOf(prefix), []);
});
