// Replay of a time window of repository-events for one notification (issue 18), on the real stack:
// the config API plans the window by timestamp, applies the notification's current filters (its
// disabled state aside), and queues one job per matching event with the router's delivery id and a
// `herald-replayed` header; progress, one replay at a time, cancel, retention and authorization.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes, randomUUID } from 'node:crypto';
import { DELIVERY_JOB_SCHEMA, deliveryId, sampleEvent, SchemaRegistryCodec, type DeliveryJob, type RepositoryEvent } from '@herald/events';
import { HEADERS, TOPICS, type Kafka } from '@herald/kafka';
import { createEventPublisher, type EventPublisher } from '@herald/producer';
import { planReplay, ReplayWindowExpiredError } from '@herald/routing';
import { NotificationStore, type NotificationDoc } from '@herald/subscriptions';
import { startConfigApi, type RunningConfigApi } from '../helpers/config-api.js';
import { readSince, testKafka, TEST_SCHEMA_REGISTRY_URL } from '../helpers/kafka.js';
import { adminToken } from '../helpers/tokens.js';
import { eventually } from '../helpers/wait.js';
import { header } from '../support/job-reader.js';

const RATE = 200;
let api: RunningConfigApi;
let kafka: Kafka;
let codec: SchemaRegistryCodec;
let events: EventPublisher;
let store: NotificationStore;
let token: string;
const ns = `replay-${randomBytes(4).toString('hex')}`;
const repo = `${ns}/app`;
const startedAt = Date.now();

interface Status {
  id: string;
  state: string;
  scanned: number;
  matched: number;
  produced: number;
  done: number;
  total: number;
  from: string;
  to: string;
  finished_at: string | null;
}

const tick = () => new Promise((r) => setTimeout(r, 25));
const path = (uuid: string) => `/api/v1/repository/${repo}/notification/${uuid}/replay`;
const push = (tags: string[], repository = repo) => sampleEvent('repo_push', { repository, body: { updated_tags: tags } });

async function notification(event_config: Record<string, unknown> = {}, event = 'repo_push'): Promise<NotificationDoc> {
  return store.insert({ uuid: randomUUID(), repository: repo, event, method: 'webhook', config: { url: 'http://127.0.0.1:9/hook' }, event_config, title: null, signing_secret: 'whsec_test', created_by: 'alice' });
}

async function publish(e: RepositoryEvent): Promise<RepositoryEvent> {
  return (await events.publish(e)).event;
}

async function finished(uuid: string): Promise<Status> {
  return eventually(async () => {
    const res = await api.request<Status>('GET', path(uuid), { token });
    assert.equal(res.status, 200, res.text);
    assert.notEqual(res.body.finished_at, null);
    return res.body;
  }, 30_000, 100);
}

/**
 * The replayed jobs of a notification up to a test delivery sent after the replay ended: the test
 * job goes to the same partition (same key), so every job before it has been read.
 */
async function replayedJobs(uuid: string): Promise<{ job: DeliveryJob; replayed: string | undefined }[]> {
  const sentinel = await api.request('POST', `/api/v1/repository/${repo}/notification/${uuid}/test`, { token });
  assert.equal(sentinel.status, 200, sentinel.text);
  const sentinelId = sentinel.headers.get('x-herald-delivery-id');
  const kept = await readSince(
    kafka,
    TOPICS.jobs('webhook'),
    startedAt,
    async (m) => (m.key?.toString() === uuid ? { job: await codec.decode(m.value, DELIVERY_JOB_SCHEMA), replayed: header(m.headers ?? {}, HEADERS.replayed) } : undefined),
    (all) => all.some((j) => j.job.delivery_id === sentinelId),
  );
  return kept.filter((j) => j.job.delivery_id !== sentinelId);
}

before(async () => {
  api = await startConfigApi({ env: { REPLAY_MAX_EVENTS_PER_SECOND: String(RATE), REPLAY_MAX_WINDOW_HOURS: String(30 * 24) } });
  kafka = testKafka('herald-test-replay');
  codec = new SchemaRegistryCodec({ url: TEST_SCHEMA_REGISTRY_URL });
  events = createEventPublisher({ kafka, registryUrl: TEST_SCHEMA_REGISTRY_URL, codec, ensureTopic: true });
  await events.connect();
  store = new NotificationStore(api.db.db);
  token = await adminToken(repo);
});

after(async () => {
  await events?.disconnect();
  await api?.stop();
});

test('a replay queues exactly the window’s matching events, disabled or not, with their original delivery ids', async () => {
  const n = await notification({ 'tag-glob': ['v1.*'] });
  const before = await publish(push(['v1.0']));
  await tick();
  const from = new Date();
  await tick();
  const matching: RepositoryEvent[] = [];
  matching.push(await publish(push(['v1.1', 'latest'])));
  await publish(push(['dev'])); // the tag filter refuses it
  await store.disable(n.uuid, 'test');
  matching.push(await publish(push(['v1.2']))); // the router dropped it: disabled
  await publish(sampleEvent('build_success', { repository: repo })); // another event kind
  await publish(push(['v1.3'], `${ns}/other`)); // another repository
  await store.reset(n.uuid);
  matching.push(await publish(push(['v1.4'])));
  await tick();
  const to = new Date();
  await tick();
  const afterWindow = await publish(push(['v1.5']));

  const started = await api.request<Status>('POST', path(n.uuid), { token, body: { from: from.toISOString(), to: to.toISOString() } });
  assert.equal(started.status, 202, started.text);
  assert.equal(started.body.from, from.toISOString());
  assert.equal(started.body.total, 6, 'six events were appended inside the window');
  const done = await finished(n.uuid);
  assert.equal(done.state, 'done');
  assert.equal(done.id, started.body.id);
  assert.deepEqual([done.scanned, done.matched, done.produced, done.done, done.total], [6, 3, 3, 6, 6]);

  const jobs = await replayedJobs(n.uuid);
  assert.deepEqual(
    jobs.map((j) => j.job.delivery_id).sort(),
    matching.map((e) => deliveryId(e.event_id, n.uuid)).sort(),
    'one job per matching event, with the delivery id the router derives',
  );
  assert.ok(jobs.every((j) => j.replayed === started.body.id), 'each job names the replay');
  assert.deepEqual(jobs.map((j) => j.job.event.event_id).sort(), matching.map((e) => e.event_id).sort());
  assert.ok(!jobs.some((j) => [before.event_id, afterWindow.event_id].includes(j.job.event.event_id)));
  assert.ok(jobs.every((j) => j.job.attempt === 0 && j.job.notification_uuid === n.uuid && j.job.method === 'webhook'));
});

test('a replay runs once at a time per notification, shows its progress and stops when cancelled', async () => {
  const n = await notification();
  const from = new Date();
  await tick();
  await events.publish(Array.from({ length: 600 }, (_, i) => push([`t${i}`])));
  await tick();
  const to = new Date();
  const body = { from: from.toISOString(), to: to.toISOString() };
  const first = await api.request<Status>('POST', path(n.uuid), { token, body });
  assert.equal(first.status, 202, first.text);
  const second = await api.request('POST', path(n.uuid), { token, body });
  assert.equal(second.status, 409, second.text);
  // At RATE events per second the 600 take 3 s: it is seen moving, then cancelled.
  const moving = await eventually(async () => {
    const r = (await api.request<Status>('GET', path(n.uuid), { token })).body;
    assert.equal(r.state, 'running');
    assert.ok(r.scanned > 0 && r.scanned < 600, `scanned ${r.scanned}`);
    return r;
  }, 10_000, 100);
  assert.ok(moving.done <= moving.total && moving.total === 600);
  const cancelled = await api.request<Status>('DELETE', path(n.uuid), { token });
  assert.equal(cancelled.status, 200, cancelled.text);
  assert.equal(cancelled.body.state, 'cancelled');
  const end = await finished(n.uuid);
  assert.equal(end.state, 'cancelled');
  assert.ok(end.produced < 600, `produced ${end.produced} of 600`);
  const jobs = await replayedJobs(n.uuid);
  assert.equal(jobs.length, end.produced, 'no job was queued after the cancel was recorded');
  assert.equal((await api.request('DELETE', path(n.uuid), { token })).status, 409, 'nothing left to cancel');
  // Cancelled, it may be started again.
  const again = await api.request<Status>('POST', path(n.uuid), { token, body });
  assert.equal(again.status, 202, again.text);
  assert.notEqual(again.body.id, first.body.id);
  await api.request('DELETE', path(n.uuid), { token });
});

test('the window is checked, and one older than the topic retains is refused with the earliest time available', async () => {
  const n = await notification();
  const now = Date.now();
  const ask = (from: unknown, to: unknown) => api.request<{ field?: string; detail: string }>('POST', path(n.uuid), { token, body: { from, to } });
  const iso = (ms: number) => new Date(ms).toISOString();
  let r = await ask(iso(now - 1000), iso(now - 2000));
  assert.deepEqual([r.status, r.body.field], [400, 'to']);
  r = await ask(iso(now - 1000), iso(now + 60_000));
  assert.deepEqual([r.status, r.body.field], [400, 'to']);
  r = await ask('yesterday', iso(now));
  assert.deepEqual([r.status, r.body.field], [400, 'from']);
  r = await ask(iso(now - 31 * 24 * 3_600_000), iso(now));
  assert.deepEqual([r.status, r.body.field], [400, 'from'], 'longer than REPLAY_MAX_WINDOW_HOURS');
  // repository-events keeps 7 days.
  r = await ask(iso(now - 8 * 24 * 3_600_000), iso(now - 7.5 * 24 * 3_600_000));
  assert.deepEqual([r.status, r.body.field], [400, 'from'], r.text);
  assert.match(r.body.detail, /older than what repository-events retains: the earliest available event time is \d{4}-/);
  assert.equal((await api.request('GET', path(n.uuid), { token })).status, 404, 'nothing was started');
});

test('a partition whose oldest records were deleted refuses a window reaching before what is left', async () => {
  const topic = `herald-test-replay-${randomBytes(4).toString('hex')}`;
  const admin = kafka.admin();
  await admin.connect();
  const producer = kafka.producer();
  await producer.connect();
  try {
    await admin.createTopics({ topics: [{ topic, numPartitions: 2 }], waitForLeaders: true });
    const t0 = Date.now();
    for (let i = 0; i < 3; i++) {
      await producer.send({ topic, messages: [{ partition: 0, value: `r${i}` }] });
      await tick();
    }
    // Right after creation the broker may not take it yet.
    await eventually(() => admin.deleteTopicRecords({ topic, partitions: [{ partition: 0, offset: '2' }] }), 10_000, 200);
    const kept = await readSince(kafka, topic, t0, (m) => Number(m.timestamp), (all) => all.length === 1);
    const oldest = kept[0] as number;
    await assert.rejects(planReplay(kafka, topic, { from: new Date(t0 - 1000), to: new Date() }), (err: unknown) => {
      assert.ok(err instanceof ReplayWindowExpiredError);
      assert.equal(err.earliestAvailable.getTime(), oldest);
      return true;
    });
    const plan = await planReplay(kafka, topic, { from: new Date(oldest), to: new Date() });
    assert.deepEqual(plan.ranges, [{ partition: 0, start: 2n, end: 3n }]);
    assert.equal(plan.total, 1);
  } finally {
    await producer.disconnect();
    await admin.deleteTopics({ topics: [topic] }).catch(() => undefined);
    await admin.disconnect();
  }
});

test('replay routes need a token and admin permission on the repository', async () => {
  const n = await notification();
  const body = { from: new Date(Date.now() - 60_000).toISOString(), to: new Date().toISOString() };
  assert.equal((await api.request('POST', path(n.uuid), { body })).status, 401);
  assert.equal((await api.request('GET', path(n.uuid))).status, 401);
  const stranger = await adminToken(`${ns}-other/app`, 'mallory');
  assert.equal((await api.request('POST', path(n.uuid), { token: stranger, body })).status, 403);
  assert.equal((await api.request('GET', path(n.uuid), { token: stranger })).status, 403);
  assert.equal((await api.request('DELETE', path(n.uuid), { token: stranger })).status, 403);
  // Another repository's admin cannot reach it through their own path either.
  const theirs = await adminToken(`${ns}-other/app`);
  const r = await api.request('GET', `/api/v1/repository/${ns}-other/app/notification/${n.uuid}/replay`, { token: theirs });
  assert.equal(r.status, 404);
  assert.equal((await api.request('PATCH', path(n.uuid), { token })).status, 405);
});
