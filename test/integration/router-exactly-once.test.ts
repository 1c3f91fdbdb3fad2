import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { deliveryId, sampleEvent, type RepositoryEvent } from '@herald/events';
import { eventually } from '../helpers/wait.js';
import { RouterFixture, uniqueRepo } from '../support/router-fixture.js';

// SPEC §4: each (event, notification) pair yields exactly one job, even across router crashes.
const N = Number(process.env['HERALD_EOS_EVENTS'] ?? 20_000);
const KILLS = 3;
const REPOS = 50;

const fx = new RouterFixture();
const subs: { repo: string; uuid: string }[] = [];

before(async () => {
  await fx.setup();
  for (let i = 0; i < REPOS; i++) {
    const repo = uniqueRepo('eos');
    subs.push({ repo, uuid: (await fx.notify(repo, 'repo_push', 'webhook')).uuid });
  }
});

after(() => fx.teardown());

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

test(`exactly once: ${N} events, router SIGKILLed ${KILLS} times`, { timeout: 600_000 }, async () => {
  const expected = new Set<string>();
  const events: RepositoryEvent[] = [];
  for (let i = 0; i < N; i++) {
    const s = subs[i % REPOS]!;
    const ev = sampleEvent('repo_push', { repository: s.repo, body: { updated_tags: [`t${i}`] } });
    events.push(ev);
    expected.add(deliveryId(ev.event_id, s.uuid));
  }
  await fx.startRouter('router-eos');

  // Publish in paced batches so the router is busy (mid-transaction) whenever it is killed.
  let published = 0;
  const publishing = (async () => {
    for (let i = 0; i < N; i += 200) {
      await fx.events.publish(events.slice(i, i + 200));
      published = Math.min(N, i + 200);
      await sleep(250);
    }
  })();

  const kills: { atPublished: number; jobsSeen: number }[] = [];
  for (let k = 0; k < KILLS; k++) {
    // A random point while events are still flowing (or queued behind the lag).
    await sleep(1_000 + Math.random() * 2_000);
    kills.push({ atPublished: published, jobsSeen: fx.jobs.messages.length });
    await fx.router!.kill('SIGKILL');
    await fx.startRouter(`router-eos-${k + 1}`);
  }
  await publishing;

  await eventually(() => assert.ok(fx.jobs.messages.length >= N, `${fx.jobs.messages.length}/${N} jobs`), 240_000, 500);
  await sleep(3_000); // let any duplicate surface
  const seen = new Map<string, number>();
  for (const m of fx.jobs.messages) seen.set(m.value.delivery_id, (seen.get(m.value.delivery_id) ?? 0) + 1);
  const missing = [...expected].filter((id) => !seen.has(id)).length;
  const duplicates = [...seen.values()].reduce((n, c) => n + (c - 1), 0);
  const unexpected = [...seen.keys()].filter((id) => !expected.has(id)).length;
  console.log(JSON.stringify({ test: 'router-exactly-once', events: N, kills, jobs: fx.jobs.messages.length, unique: seen.size, missing, duplicates, unexpected }));
  assert.equal(kills.length, KILLS);
  assert.ok(kills.every((k) => k.jobsSeen < N), 'every kill happened before the work was done');
  assert.equal(missing, 0, 'missing jobs');
  assert.equal(duplicates, 0, 'duplicate delivery ids');
  assert.equal(unexpected, 0, 'unexpected jobs');
});
