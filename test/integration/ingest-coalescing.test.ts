// Coalescing of a registry's per-tag events into one repo_push per repository and window (issue
// 20): a burst becomes one event, pushes further apart than the window stay apart, a registry's
// retry is not published twice, and a SIGKILL during a window loses no tag and repeats none.
import { afterEach, test } from 'node:test';
import assert from 'node:assert/strict';
import type { RepositoryEventOf } from '@herald/events';
import { keyHash, PARTITIONS } from '@herald/kafka';
import { eventually } from '../helpers/wait.js';
import { distributionEvent, IngestFixture } from '../support/ingest-fixture.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const tagsOf = (ing: IngestFixture, repo: string) => ing.of(repo).map((m) => (m.value as RepositoryEventOf<'repo_push'>).body.updated_tags);
// Each test's service is stopped when it ends: every ingest group reads the whole ingest topic, so a
// service left running would coalesce the next test's records too.
const fixtures: IngestFixture[] = [];
afterEach(async () => {
  await Promise.all(fixtures.splice(0).map((f) => f.stop()));
});

test('default window (2 s): 50 tags pushed within 1 s are one repo_push with 50 tags; two pushes 5 s apart are two; a retried envelope is one', async () => {
  const ing = new IngestFixture();
  fixtures.push(ing);
  await ing.start();
  const burst = ing.repo('burst');
  // One envelope per tag, as Distribution sends them, spread over a second.
  const t0 = Date.now();
  for (let i = 0; i < 50; i++) {
    const res = await ing.post('/v1/distribution/events', { events: [distributionEvent({ action: 'push', repository: burst, tag: `t${i}` })] });
    assert.equal(res.status, 202);
    await sleep(Math.max(0, t0 + (i + 1) * 20 - Date.now()));
  }
  const spread = Date.now() - t0;
  const [event] = await eventually(() => {
    assert.equal(ing.of(burst).length, 1);
    return ing.of(burst);
  }, 20_000);
  assert.deepEqual(tagsOf(ing, burst)[0], Array.from({ length: 50 }, (_, i) => `t${i}`), `pushed over ${spread} ms`);
  // A lone push waits at most the window (plus the transaction and the read-back).
  assert.ok(event!.at - t0 < 2_000 + 1_500, `first push to event: ${event!.at - t0} ms`);

  const apart = ing.repo('apart');
  const retried = distributionEvent({ action: 'push', repository: apart, tag: 'one' });
  assert.equal((await ing.post('/v1/distribution/events', { events: [retried] })).status, 202);
  // The registry did not get the answer and sends the same envelope again.
  const again = await ing.post('/v1/distribution/events', { events: [retried] });
  assert.deepEqual(again.body, { published: 0, duplicates: 1, dropped: {} });
  await sleep(5_000);
  assert.equal((await ing.post('/v1/distribution/events', { events: [distributionEvent({ action: 'push', repository: apart, tag: 'two' })] })).status, 202);
  await eventually(() => assert.deepEqual(tagsOf(ing, apart), [['one'], ['two']]), 20_000);
  // Bounded: a window past the second event, nothing more comes (no third, no duplicate).
  await sleep(2_500);
  assert.deepEqual(tagsOf(ing, apart), [['one'], ['two']]);
  assert.equal(ing.of(burst).length, 1);
});

test('SIGKILL during a window: the restarted service re-consumes the window, loses no tag, and drops the registry’s retry of it', async () => {
  const ing = new IngestFixture({ INGEST_WINDOW_MS: '5000' });
  fixtures.push(ing);
  await ing.start();
  const repo = ing.repo('crash');
  const first = ['a', 'b', 'c', 'd', 'e'].map((tag) => distributionEvent({ action: 'push', repository: repo, tag }));
  assert.equal((await ing.post('/v1/distribution/events', { events: first })).status, 202);
  await ing.service!.kill('SIGKILL');
  assert.equal(ing.of(repo).length, 0, 'nothing emitted before the kill');

  await ing.start(`ingest-${ing.id}-restarted`);
  // Distribution retries the envelope it may not have had an answer for, and pushes one more tag.
  const retry = await ing.post('/v1/distribution/events', { events: first });
  assert.equal(retry.status, 202);
  assert.equal((await ing.post('/v1/distribution/events', { events: [distributionEvent({ action: 'push', repository: repo, tag: 'f' })] })).status, 202);
  await eventually(() => assert.deepEqual(tagsOf(ing, repo).flat().sort(), ['a', 'b', 'c', 'd', 'e', 'f']), 30_000);
  await sleep(6_000);
  const all = tagsOf(ing, repo).flat();
  assert.deepEqual(all.sort(), ['a', 'b', 'c', 'd', 'e', 'f'], `every tag once: ${JSON.stringify(tagsOf(ing, repo))}`);
});

test('SIGKILL after an interleaved window closed early: its tags are not emitted again (commit metadata), the open one is re-consumed', async () => {
  const ing = new IngestFixture({ INGEST_WINDOW_MS: '5000', INGEST_WINDOW_MAX_TAGS: '5' });
  fixtures.push(ing);
  await ing.start();
  // The early window's records lie past the open one's first offset only when both repositories
  // share a partition of the ingest topic: pick such a pair.
  const slow = ing.repo('slow');
  const partition = (key: string) => keyHash(Buffer.from(key)) % PARTITIONS.events;
  let n = 0;
  while (partition(ing.repo(`full${n}`)) !== partition(slow)) n++;
  const full = ing.repo(`full${n}`);
  assert.equal((await ing.post('/v1/distribution/events', { events: [distributionEvent({ action: 'push', repository: slow, tag: 's1' })] })).status, 202);
  const five = ['f1', 'f2', 'f3', 'f4', 'f5'].map((tag) => distributionEvent({ action: 'push', repository: full, tag }));
  assert.equal((await ing.post('/v1/distribution/events', { events: five })).status, 202);
  // The full window closes at once (5 tags), while slow's is still open.
  await eventually(() => assert.deepEqual(tagsOf(ing, full), [['f1', 'f2', 'f3', 'f4', 'f5']]), 10_000);
  assert.equal(ing.of(slow).length, 0);
  await ing.service!.kill('SIGKILL');

  await ing.start(`ingest-${ing.id}-restarted`);
  await eventually(() => assert.deepEqual(tagsOf(ing, slow), [['s1']]), 30_000);
  await sleep(2_000);
  assert.deepEqual(tagsOf(ing, full), [['f1', 'f2', 'f3', 'f4', 'f5']], 'the closed window was not emitted again');
  assert.deepEqual(tagsOf(ing, slow), [['s1']]);
});

test('a retry after a restart of an event emitted before it is dropped: the coalescer reads back its ids', async () => {
  const ing = new IngestFixture();
  fixtures.push(ing);
  await ing.start();
  const repo = ing.repo('late-retry');
  const envelope = { events: [distributionEvent({ action: 'push', repository: repo, tag: 'x' })] };
  assert.equal((await ing.post('/v1/distribution/events', envelope)).status, 202);
  await eventually(() => assert.deepEqual(tagsOf(ing, repo), [['x']]), 20_000);
  await ing.service!.kill('SIGKILL');
  await ing.start(`ingest-${ing.id}-restarted`);
  const again = await ing.post('/v1/distribution/events', envelope);
  // The new process's edge does not know it (published again); the coalescer does.
  assert.deepEqual(again.body, { published: 1, duplicates: 0, dropped: {} });
  const port = ing.service!.opsPort;
  await eventually(async () => {
    const text = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
    assert.match(text, /herald_ingest_coalescer_records_total\{[^}]*outcome="duplicate"[^}]*\} 1/);
  }, 30_000, 200);
  await sleep(2_500);
  assert.deepEqual(tagsOf(ing, repo), [['x']]);
});

test('SIGTERM during a window: the open window is emitted before the process exits 0, not a window later', async () => {
  const ing = new IngestFixture({ INGEST_WINDOW_MS: '20000' });
  fixtures.push(ing);
  await ing.start();
  const repo = ing.repo('drain');
  assert.equal((await ing.post('/v1/distribution/events', { events: ['p', 'q'].map((tag) => distributionEvent({ action: 'push', repository: repo, tag })) })).status, 202);
  // Once the coalescer holds the window (it reads back its ids first):
  const port = ing.service!.opsPort;
  await eventually(async () => assert.match(await (await fetch(`http://127.0.0.1:${port}/metrics`)).text(), /^herald_ingest_open_windows\{[^}]*\} 1$/m), 30_000, 100);
  const t0 = Date.now();
  assert.equal(await ing.service!.kill('SIGTERM'), 0);
  await eventually(() => assert.deepEqual(tagsOf(ing, repo), [['p', 'q']]), 10_000);
  assert.ok(Date.now() - t0 < 20_000, 'emitted at the stop, before the window would have closed');
});
