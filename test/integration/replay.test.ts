// Replay of a time window of repository-events for one notification (issue 18), on the real stack
// with a router process: the config API plans the window by timestamp, applies the notification's
// current filters (its disabled state aside), and queues one job per matching event with the
// delivery id the router gave (or would have given) it and a `herald-replayed` header; progress,
// one replay at a time, cancel, retention and authorization.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes, randomUUID } from 'node:crypto';
import { DELIVERY_JOB_SCHEMA, deliveryId, sampleEvent, SchemaRegistryCodec, type DeliveryJob, type RepositoryEvent } from '@herald/events';
import { HEADERS, TOPICS, type Kafka } from '@herald/kafka';
import { planReplay, readRanges, ReplayWindowExpiredError } from '@herald/routing';
import type { NotificationDoc } from '@herald/subscriptions';
import { startConfigApi, type RunningConfigApi } from '../helpers/config-api.js';
import { readSince, testKafka, TEST_SCHEMA_REGISTRY_URL } from '../helpers/kafka.js';
import { adminToken, testToken } from '../helpers/tokens.js';
import { eventually } from '../helpers/wait.js';
import { header } from '../support/job-reader.js';
import { RouterFixture } from '../support/router-fixture.js';

const RATE = 200;
let api: RunningConfigApi;
let kafka: Kafka;
let codec: SchemaRegistryCodec;
const fx = new RouterFixture();
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
  return fx.store.insert({ uuid: randomUUID(), repository: repo, event, method: 'webhook', config: { url: 'http://127.0.0.1:9/hook' }, event_config, title: null, signing_secret: 'whsec_test', created_by: 'alice' });
}

let published = 0;
async function publish(e: RepositoryEvent): Promise<RepositoryEvent> {
  const out = (await fx.events.publish(e)).event;
  published++;
  return out;
}

let witnesses = 0;
/**
 * Publishes `doc` on the subscription feed and waits until the router has applied it: a witness
 * notification published after it gets a job (the feed is one ordered partition).
 */
async function toRouter(doc: NotificationDoc | null): Promise<void> {
  assert.ok(doc);
  await fx.feed.upsert(doc);
  const tag = `witness-${++witnesses}`;
  const witness = await notification({ 'tag-glob': [tag] });
  fx.uuids.add(witness.uuid);
  await fx.feed.upsert(witness);
  await eventually(async () => {
    await publish(push([tag]));
    // With a message: a failing assert.ok without one re-parses this file to write its own.
    assert.ok(fx.jobsFor(witness.uuid).length > 0, `no job for ${tag} yet`);
  }, 20_000, 500);
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
 * The replayed jobs (those with the header) of a notification, up to a test delivery sent after the
 * replay ended: the test job goes to the same partition (same key), so every job before it was read.
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
  return kept.filter((j) => j.replayed !== undefined);
}

before(async () => {
  api = await startConfigApi({ env: { REPLAY_MAX_EVENTS_PER_SECOND: String(RATE), REPLAY_MAX_WINDOW_HOURS: String(30 * 24), REPLAY_MAX_CONCURRENT: '1' } });
  kafka = testKafka('herald-test-replay');
  codec = new SchemaRegistryCodec({ url: TEST_SCHEMA_REGISTRY_URL });
  // The router reads the config API's database, as deployed.
  await fx.setup(api.db.name);
  await fx.startRouter();
  token = await adminToken(repo);
});

after(async () => {
  await fx.teardown().catch(() => undefined);
  await api?.stop();
});

test('a replay queues exactly the window’s matching events, disabled or not, with the router’s delivery ids', async () => {
  const n = await notification({ 'tag-glob': ['v1.*'] });
  fx.uuids.add(n.uuid);
  await toRouter(n);
  const before = await publish(push(['v1.0']));
  await tick();
  const from = new Date();
  await tick();
  const publishedBefore = published;
  const matching: RepositoryEvent[] = [];
  matching.push(await publish(push(['v1.1', 'latest'])));
  await publish(push(['dev'])); // the tag filter refuses it
  await toRouter(await fx.store.disable(n.uuid, 'test'));
  const dropped = await publish(push(['v1.2'])); // the router drops it: disabled
  matching.push(dropped);
  await publish(sampleEvent('build_success', { repository: repo })); // another event kind
  await publish(push(['v1.3'], `${ns}/other`)); // another repository
  await toRouter(await fx.store.reset(n.uuid));
  matching.push(await publish(push(['v1.4'])));
  const inWindow = published - publishedBefore;
  await tick();
  const to = new Date();
  await tick();
  const afterWindow = await publish(push(['v1.5']));
  // The router's own jobs: every push the filter passes while enabled (v1.2 came while disabled).
  const routedAll = await eventually(() => {
    const jobs = fx.jobsFor(n.uuid);
    assert.equal(jobs.length, 4, `the router routed v1.0, v1.1, v1.4 and v1.5, not v1.2: ${JSON.stringify(jobs.map((j) => (j.value.event.body as { updated_tags?: string[] }).updated_tags))}`);
    return jobs;
  }, 20_000, 100);
  const byRouter = [before, matching[0]!, matching[2]!, afterWindow].map((e) => e.event_id).sort();
  assert.deepEqual(routedAll.map((j) => j.value.event.event_id).sort(), byRouter);
  const routed = routedAll.filter((j) => j.value.event.event_id !== before.event_id && j.value.event.event_id !== afterWindow.event_id);

  const started = await api.request<Status>('POST', path(n.uuid), { token, body: { from: from.toISOString(), to: to.toISOString() } });
  assert.equal(started.status, 202, started.text);
  assert.equal(started.body.from, from.toISOString());
  // Six events, and the witnesses' pushes (their tags do not pass this notification's filter).
  assert.ok(inWindow >= 8);
  assert.equal(started.body.total, inWindow, 'every event appended inside the window, none outside');
  const done = await finished(n.uuid);
  assert.equal(done.state, 'done');
  assert.equal(done.id, started.body.id);
  assert.deepEqual([done.scanned, done.matched, done.produced, done.done], [inWindow, 3, 3, inWindow]);

  const jobs = await replayedJobs(n.uuid);
  assert.deepEqual(
    jobs.map((j) => j.job.delivery_id).sort(),
    matching.map((e) => deliveryId(e.event_id, n.uuid)).sort(),
    'one job per matching event, with the delivery id the router derives',
  );
  for (const r of routed) {
    const again = jobs.find((j) => j.job.event.event_id === r.value.event.event_id);
    assert.equal(again?.job.delivery_id, r.value.delivery_id, 'the same delivery id as the router’s job');
    assert.equal(header(r.headers, HEADERS.replayed), undefined, 'the router’s jobs carry no replay header');
  }
  assert.ok(jobs.every((j) => j.replayed === started.body.id), 'each job names the replay');
  assert.deepEqual(jobs.map((j) => j.job.event.event_id).sort(), matching.map((e) => e.event_id).sort());
  assert.ok(!jobs.some((j) => [before.event_id, afterWindow.event_id].includes(j.job.event.event_id)));
  assert.ok(jobs.every((j) => j.job.attempt === 0 && j.job.notification_uuid === n.uuid && j.job.method === 'webhook'));
});

test('a replay runs once at a time per notification, shows its progress and stops when cancelled', async () => {
  const n = await notification();
  const from = new Date();
  await tick();
  await fx.events.publish(Array.from({ length: 600 }, (_, i) => push([`t${i}`])));
  await tick();
  const to = new Date();
  const body = { from: from.toISOString(), to: to.toISOString() };
  // Two at once: one is refused (in one instance by its bookkeeping; across replicas by the unique _id of notification_replays).
  const [a, b] = await Promise.all([api.request<Status>('POST', path(n.uuid), { token, body }), api.request<Status>('POST', path(n.uuid), { token, body })]);
  assert.deepEqual([a.status, b.status].sort(), [202, 409], `${a.text} ${b.text}`);
  const first = a.status === 202 ? a : b;
  const third = await api.request('POST', path(n.uuid), { token, body });
  assert.equal(third.status, 409, third.text);
  // REPLAY_MAX_CONCURRENT is 1 here: another notification's replay waits for this one to end.
  const other = await notification();
  const refused = await api.request('POST', path(other.uuid), { token, body });
  assert.equal(refused.status, 429, refused.text);
  assert.equal(refused.headers.get('retry-after'), '10');
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
  await finished(n.uuid);
  // Ended, it no longer counts against REPLAY_MAX_CONCURRENT.
  const now = await api.request('POST', path(other.uuid), { token, body });
  assert.equal(now.status, 202, now.text);
  await api.request('DELETE', path(other.uuid), { token });
  await finished(other.uuid);
  // Every start and cancel is in the audit log, with its outcome (the refused ones as failed 409).
  const audit = await api.request<{ entries: { action: string; notification_uuid?: string; outcome: string; status?: number; detail?: Record<string, unknown> }[] }>(
    'GET',
    `/api/v1/repository/${repo}/audit?limit=200`,
    { token },
  );
  assert.equal(audit.status, 200, audit.text);
  const mine = audit.body.entries.filter((e) => e.notification_uuid === n.uuid && e.action.startsWith('replay'));
  assert.deepEqual(
    mine.map((e) => `${e.action} ${e.outcome} ${e.status ?? ''}`.trim()).sort(),
    ['replay failed 409', 'replay failed 409', 'replay succeeded', 'replay succeeded', 'replay_cancel failed 409', 'replay_cancel succeeded', 'replay_cancel succeeded'],
  );
  const started = mine.filter((e) => e.action === 'replay' && e.outcome === 'succeeded').map((e) => e.detail?.['replay_id']).sort();
  assert.deepEqual(started, [first.body.id, again.body.id].sort(), 'each started replay is named by its id');
});

test('a running replay whose instance stopped writing progress is shown failed, and may be started again', async () => {
  const n = await notification();
  const now = Date.now();
  // What a config API that died mid-replay leaves: running, its last heartbeat a minute old.
  await api.db.db.collection<{ _id: string } & Record<string, unknown>>('notification_replays').insertOne({
    _id: n.uuid,
    id: 'crashed-replay',
    notification_uuid: n.uuid,
    state: 'running',
    from: new Date(now - 120_000),
    to: new Date(now - 60_000),
    scanned: 10,
    matched: 4,
    produced: 4,
    done: 10,
    total: 50,
    requested_by: 'alice',
    created_at: new Date(now - 65_000),
    heartbeat_at: new Date(now - 60_000),
    finished_at: null,
    error: null,
  });
  const shown = await api.request<Status & { error: string | null }>('GET', path(n.uuid), { token });
  assert.equal(shown.status, 200, shown.text);
  assert.deepEqual([shown.body.id, shown.body.state, shown.body.produced], ['crashed-replay', 'failed', 4]);
  assert.match(shown.body.error ?? '', /stopped/);
  assert.notEqual(shown.body.finished_at, null);
  const body = { from: new Date(now - 60_000).toISOString(), to: new Date(now - 1_000).toISOString() };
  const again = await api.request<Status>('POST', path(n.uuid), { token, body });
  assert.equal(again.status, 202, again.text);
  assert.notEqual(again.body.id, 'crashed-replay');
  await finished(n.uuid);
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

test('a namespace-wide notification’s replay applies its scope', async () => {
  const n = await fx.store.insert({ uuid: randomUUID(), repository: '', scope: 'namespace', namespace: ns, event: 'repo_push', method: 'webhook', config: { url: 'http://127.0.0.1:9/hook' }, event_config: {}, title: null, signing_secret: 'whsec_test', created_by: 'alice' });
  const from = new Date();
  await tick();
  const covered = [await publish(push(['a'], `${ns}/app`)), await publish(push(['b'], `${ns}/team/tool`))];
  await publish(push(['c'], `${ns}-elsewhere/app`)); // another namespace
  await tick();
  const to = new Date();
  const nsToken = await testToken('nsadmin', { grants: [`${ns}/*:admin`] });
  const nsPath = `/api/v1/organization/${ns}/notification/${n.uuid}/replay`;
  assert.equal((await api.request('POST', nsPath, { token, body: { from: from.toISOString(), to: to.toISOString() } })).status, 403, 'a repository admin is not a namespace admin');
  assert.equal((await api.request('POST', path(n.uuid), { token, body: { from: from.toISOString(), to: to.toISOString() } })).status, 404, 'not under a repository path');
  const started = await api.request<Status>('POST', nsPath, { token: nsToken, body: { from: from.toISOString(), to: to.toISOString() } });
  assert.equal(started.status, 202, started.text);
  const done = await eventually(async () => {
    const r = await api.request<Status>('GET', nsPath, { token: nsToken });
    assert.notEqual(r.body.finished_at, null, r.text);
    return r.body;
  }, 30_000, 100);
  assert.deepEqual([done.state, done.scanned, done.matched, done.produced], ['done', 3, 2, 2]);
  const jobs = await readSince(
    kafka,
    TOPICS.jobs('webhook'),
    startedAt,
    async (m) => (m.key?.toString() === n.uuid ? await codec.decode(m.value, DELIVERY_JOB_SCHEMA) : undefined),
    (all) => all.length >= 2,
  );
  assert.deepEqual(jobs.map((j) => j.delivery_id).sort(), covered.map((e) => deliveryId(e.event_id, n.uuid)).sort());
});

test('the reader hands on each committed record of a range once and ends past transaction markers and aborted records', async () => {
  const topic = `herald-test-replay-tx-${randomBytes(4).toString('hex')}`;
  const admin = kafka.admin();
  await admin.connect();
  const producer = kafka.producer({ transactionalId: `herald-test-replay-${randomUUID()}`, idempotent: true, maxInFlightRequests: 1 });
  await producer.connect();
  try {
    await admin.createTopics({ topics: [{ topic, numPartitions: 1 }], waitForLeaders: true });
    const send = async (values: string[], commit: boolean) => {
      const tx = await producer.transaction();
      await tx.send({ topic, messages: values.map((value) => ({ value })) });
      await (commit ? tx.commit() : tx.abort());
    };
    await send(['a', 'b'], true);
    await send(['x'], false);
    await send(['c'], true); // the range ends with this transaction's commit marker
    const [end] = await admin.fetchTopicOffsets(topic);
    assert.equal(end?.high, '7', 'three transactions: four records and three markers');
    const seen: string[] = [];
    const { stopped } = await readRanges({
      kafka,
      topic,
      ranges: [{ partition: 0, start: 0n, end: 7n }],
      stallMs: 20_000,
      onRecords: async (_p, records) => void seen.push(...records.map((m) => m.value?.toString() ?? '')),
    });
    assert.equal(stopped, false);
    assert.deepEqual(seen, ['a', 'b', 'c']);
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
