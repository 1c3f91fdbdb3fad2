import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { deliveryId, sampleEvent, type RepositoryEvent } from '@herald/events';
import type { ServiceProcess } from '@herald/testing';
import { eventually } from '../helpers/wait.js';
import { RouterFixture, uniqueRepo } from '../support/router-fixture.js';

// SPEC §4: each (event, notification) pair yields exactly one job, even across router crashes and
// rebalances. Issue 15: three router replicas in one group, SIGKILLs at random points and a scale
// 3 → 1 → 3 while events flow, so partitions move between replicas mid-transaction. The random
// points come from a seed (HERALD_EOS_SEED to replay a run), printed with the result.
const N = Number(process.env['HERALD_EOS_EVENTS'] ?? 20_000);
const REPOS = 50;
const REPLICAS = 3;
const SEED = Number(process.env['HERALD_EOS_SEED'] ?? Math.floor(Math.random() * 2 ** 31));

/** mulberry32: a small seeded PRNG, so a failing run's kill points can be replayed. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const fx = new RouterFixture();
const subs: { repo: string; uuid: string }[] = [];
const replicas = new Map<number, ServiceProcess>();

before(async () => {
  await fx.setup();
  for (let i = 0; i < REPOS; i++) {
    const repo = uniqueRepo('eos');
    subs.push({ repo, uuid: (await fx.notify(repo, 'repo_push', 'webhook')).uuid });
  }
});

after(async () => {
  for (const r of replicas.values()) await r.kill('SIGKILL');
  await fx.teardown();
});

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

test(`exactly once: ${N} events, ${REPLICAS} router replicas, SIGKILLs and a scale 3 → 1 → 3 mid-stream`, { timeout: 600_000 }, async () => {
  const random = prng(SEED);
  const expected = new Set<string>();
  const events: RepositoryEvent[] = [];
  for (let i = 0; i < N; i++) {
    const s = subs[i % REPOS]!;
    const ev = sampleEvent('repo_push', { repository: s.repo, body: { updated_tags: [`t${i}`] } });
    events.push(ev);
    expected.add(deliveryId(ev.event_id, s.uuid));
  }
  await Promise.all(Array.from({ length: REPLICAS }, async (_, i) => replicas.set(i, await fx.startReplica(`r${i}`))));

  // Publish in paced batches so the routers are busy (mid-transaction) at every fault.
  let published = 0;
  const publishing = (async () => {
    for (let i = 0; i < N; i += 200) {
      await fx.events.publish(events.slice(i, i + 200));
      published = Math.min(N, i + 200);
      await sleep(250);
    }
  })();

  const faults: { fault: string; atPublished: number; jobsSeen: number }[] = [];
  const note = (fault: string) => faults.push({ fault, atPublished: published, jobsSeen: fx.jobs.messages.length });
  const pause = () => sleep(1_000 + random() * 2_000);
  const running = () => [...replicas.keys()];
  async function kill(): Promise<void> {
    const live = running();
    const victim = live[Math.floor(random() * live.length)]!;
    note(`SIGKILL r${victim}`);
    await replicas.get(victim)!.kill('SIGKILL');
    replicas.set(victim, await fx.startReplica(`r${victim}`));
  }

  await pause();
  await kill();
  await pause();
  // Scale 3 → 1: two replicas leave (SIGTERM: they finish or abort their transaction and leave the group).
  const leaving = running().sort(() => random() - 0.5).slice(0, REPLICAS - 1);
  note(`scale ${REPLICAS} -> 1 (r${leaving.join(', r')} stop)`);
  await Promise.all(leaving.map(async (i) => {
    await replicas.get(i)!.kill('SIGTERM');
    replicas.delete(i);
  }));
  await pause();
  await kill();
  await pause();
  note(`scale 1 -> ${REPLICAS} (r${leaving.join(', r')} start)`);
  await Promise.all(leaving.map(async (i) => replicas.set(i, await fx.startReplica(`r${i}`))));
  await pause();
  await kill();
  await publishing;

  await eventually(() => assert.ok(fx.jobs.messages.length >= N, `${fx.jobs.messages.length}/${N} jobs`), 240_000, 500);
  await sleep(3_000); // let any duplicate surface
  const seen = new Map<string, number>();
  for (const m of fx.jobs.messages) seen.set(m.value.delivery_id, (seen.get(m.value.delivery_id) ?? 0) + 1);
  const missing = [...expected].filter((id) => !seen.has(id)).length;
  const duplicates = [...seen.values()].reduce((n, c) => n + (c - 1), 0);
  const unexpected = [...seen.keys()].filter((id) => !expected.has(id)).length;
  console.log(JSON.stringify({ test: 'router-exactly-once', seed: SEED, events: N, replicas: REPLICAS, faults, jobs: fx.jobs.messages.length, unique: seen.size, missing, duplicates, unexpected }));
  assert.ok(faults.filter((f) => f.jobsSeen < N).length >= 3, `most faults happened while work remained (seed ${SEED})`);
  assert.equal(missing, 0, `missing jobs (seed ${SEED})`);
  assert.equal(duplicates, 0, `duplicate delivery ids (seed ${SEED})`);
  assert.equal(unexpected, 0, `unexpected jobs (seed ${SEED})`);
});
