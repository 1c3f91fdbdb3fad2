// A coalescer group without committed offsets (a new deployment, a renamed INGEST_GROUP_ID) starts
// at the ingest topic as it is when it starts (issue 20): records other groups coalesced before are
// not published again, and what the service accepts from then on is, also across a SIGKILL before
// the group's first commit of an event.
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import type { RepositoryEventOf } from '@herald/events';
import { createKafka, TOPICS } from '@herald/kafka';
import { TEST_KAFKA_BROKERS } from '../helpers/kafka.js';
import { eventually } from '../helpers/wait.js';
import { distributionEvent, IngestFixture } from '../support/ingest-fixture.js';

const WINDOW_MS = '500';
const fixtures: IngestFixture[] = [];
const tagsOf = (ing: IngestFixture, repo: string) => ing.of(repo).map((m) => (m.value as RepositoryEventOf<'repo_push'>).body.updated_tags);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

after(async () => {
  await Promise.all(fixtures.map((f) => f.stop()));
});

test('a new group starts at the topic as it is, not at its beginning, and loses nothing it accepted', { timeout: 180_000 }, async () => {
  // An earlier deployment (its own group) coalesced and published a push.
  const old = new IngestFixture({ INGEST_WINDOW_MS: WINDOW_MS });
  fixtures.push(old);
  await old.start();
  const before = old.repo('before');
  assert.equal((await old.post('/v1/distribution/events', { events: [distributionEvent({ action: 'push', repository: before, tag: 'old' })] })).status, 202);
  await eventually(() => assert.deepEqual(tagsOf(old, before), [['old']]), 20_000);
  // Its process stops; its reader of repository-events goes on. Past the start margin (1 s).
  await old.service!.kill('SIGTERM');
  await sleep(1_500);

  // A new group: no committed offsets at all.
  const ing = new IngestFixture({ INGEST_WINDOW_MS: WINDOW_MS }, { positionGroup: false });
  fixtures.push(ing);
  const group = ing.env['INGEST_GROUP_ID']!;
  const admin = createKafka({ brokers: TEST_KAFKA_BROKERS, clientId: 'herald-ingest-new-group-test' }).admin();
  await admin.connect();
  try {
    const [none] = await admin.fetchOffsets({ groupId: group, topics: [TOPICS.ingestRecords] });
    assert.ok(none!.partitions.every((p) => Number(p.offset) < 0), 'the group is new');
    await ing.start();
    // It committed its start offsets before accepting anything: the topic's end, give or take the margin.
    const [started] = await admin.fetchOffsets({ groupId: group, topics: [TOPICS.ingestRecords] });
    const ends = new Map((await admin.fetchTopicOffsets(TOPICS.ingestRecords)).map((p) => [p.partition, Number(p.high)]));
    for (const p of started!.partitions) assert.equal(Number(p.offset), ends.get(p.partition), `partition ${p.partition} starts at the end`);
  } finally {
    await admin.disconnect();
  }

  // Accepted, then the process is killed before its window closed (nothing committed since the start
  // offsets): the restarted process starts from those, not from a new end, and emits it.
  const repo = ing.repo('fresh');
  assert.equal((await ing.post('/v1/distribution/events', { events: [distributionEvent({ action: 'push', repository: repo, tag: 'new' })] })).status, 202);
  await ing.service!.kill('SIGKILL');
  await ing.start(`ingest-${ing.id}-restarted`);
  await eventually(() => assert.deepEqual(tagsOf(ing, repo), [['new']]), 30_000);
  await sleep(Number(WINDOW_MS) * 4 + 1_000);
  assert.deepEqual(tagsOf(ing, repo), [['new']]);
  // The earlier deployment's push was not published again by the new group (it would be, read from the beginning).
  assert.deepEqual(tagsOf(old, before), [['old']]);
});
