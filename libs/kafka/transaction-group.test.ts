import { test } from 'node:test';
import assert from 'node:assert/strict';
import { StaleBatchError, TransactionGroup } from './transaction-group.js';

const tick = () => new Promise((r) => setImmediate(r));

/** A group whose commits the test records and settles. */
function harness(opts: { lingerMs?: number; maxSize?: number; fail?: (payloads: string[]) => Error | undefined } = {}) {
  const commits: string[][] = [];
  const group = new TransactionGroup<string>({
    lingerMs: opts.lingerMs ?? 1_000,
    maxSize: opts.maxSize ?? 1_000,
    commit: async (payloads) => {
      commits.push(payloads);
      const err = opts.fail?.(payloads);
      if (err) throw err;
    },
  });
  return { group, commits };
}

test('the batches of one round commit in one transaction once all of them joined', async () => {
  const { group, commits } = harness();
  for (let i = 0; i < 3; i++) group.begin();
  const a = group.join('p0', 1);
  const b = group.join('p1', 2);
  await tick();
  assert.equal(commits.length, 0, 'one batch of the round has not joined yet');
  const c = group.join('p2', 0);
  await Promise.all([a, b, c]);
  assert.deepEqual(commits, [['p0', 'p1', 'p2']]);
  assert.deepEqual(group.stats, { transactions: 1, batches: 3 });
});

test('a batch that leaves (nothing to commit, or it failed) does not hold the others', async () => {
  const { group, commits } = harness();
  group.begin();
  group.begin();
  const a = group.join('p0', 1);
  group.leave();
  await a;
  assert.deepEqual(commits, [['p0']]);
});

test('a slow batch holds the group no longer than the linger', async () => {
  const { group, commits } = harness({ lingerMs: 30 });
  group.begin();
  group.begin();
  const t0 = Date.now();
  await group.join('fast', 1);
  assert.ok(Date.now() - t0 >= 25, 'waited for the linger');
  assert.deepEqual(commits, [['fast']]);
  await group.join('slow', 1);
  assert.deepEqual(commits, [['fast'], ['slow']]);
});

test('past maxSize output messages the group commits without waiting for the round', async () => {
  const { group, commits } = harness({ maxSize: 10 });
  group.begin();
  group.begin();
  await group.join('big', 12);
  assert.deepEqual(commits, [['big']]);
  group.leave();
});

test('one transaction at a time: batches that join during a commit form the next group', async () => {
  let release!: () => void;
  const gate = new Promise<void>((r) => (release = r));
  const commits: string[][] = [];
  const group = new TransactionGroup<string>({
    lingerMs: 1_000,
    maxSize: 1_000,
    commit: async (payloads) => {
      commits.push(payloads);
      if (commits.length === 1) await gate;
    },
  });
  group.begin();
  const first = group.join('a', 1);
  await tick();
  group.begin();
  group.begin();
  const second = [group.join('b', 1), group.join('c', 1)];
  await tick();
  assert.deepEqual(commits, [['a']], 'the second group waits for the first commit');
  release();
  await Promise.all([first, ...second]);
  assert.deepEqual(commits, [['a'], ['b', 'c']]);
});

test('an aborted transaction rejects every member of its group', async () => {
  const boom = new Error('EndTxn failed');
  const { group } = harness({ fail: () => boom });
  group.begin();
  group.begin();
  const results = await Promise.allSettled([group.join('p0', 1), group.join('p1', 1)]);
  assert.deepEqual(results.map((r) => r.status), ['rejected', 'rejected']);
  assert.equal((results[0] as PromiseRejectedResult).reason, boom);
  assert.deepEqual(group.stats, { transactions: 0, batches: 0 });
});

test('a member whose partition was revoked before the commit is left out, the rest commit', async () => {
  const { group, commits } = harness();
  group.begin();
  group.begin();
  const revoked = group.join('revoked', 1, () => true);
  const kept = group.join('kept', 1, () => false);
  await assert.rejects(revoked, StaleBatchError);
  await kept;
  assert.deepEqual(commits, [['kept']]);
});

test('a group of revoked members only commits nothing', async () => {
  const { group, commits } = harness();
  group.begin();
  await assert.rejects(group.join('revoked', 1, () => true), StaleBatchError);
  assert.deepEqual(commits, []);
  assert.equal(group.waiting, 0);
});

test('room() holds a full open group while a transaction commits, and frees it when that one ends', async () => {
  let release!: () => void;
  const gate = new Promise<void>((r) => (release = r));
  const group = new TransactionGroup<string>({ lingerMs: 1_000, maxSize: 5, commit: () => gate });
  group.begin();
  const first = group.join('a', 1); // commits at once: the round is in
  await group.room();
  group.begin();
  group.begin();
  const second = group.join('b', 5); // the open group is full while 'a' commits
  let roomy = false;
  const room = group.room().then(() => (roomy = true));
  await tick();
  assert.equal(roomy, false, 'no room while the first transaction commits and the open group is full');
  release();
  await room;
  group.leave();
  await Promise.all([first, second]);
});

test('flush() commits the open group without waiting for the round or the linger', async () => {
  const { group, commits } = harness({ lingerMs: 60_000 });
  group.begin();
  group.begin();
  const a = group.join('a', 1);
  await tick();
  assert.equal(commits.length, 0, 'waits for the other batch of the round');
  await group.flush();
  await a;
  assert.deepEqual(commits, [['a']]);
  group.leave();
});

test('dropOpen() rejects the open group, which is never committed', async () => {
  const { group, commits } = harness({ lingerMs: 60_000 });
  group.begin();
  group.begin();
  const a = group.join('a', 1);
  const boom = new Error('the previous transaction aborted');
  group.dropOpen(boom);
  await assert.rejects(a, boom);
  group.leave();
  await group.flush();
  assert.deepEqual(commits, []);
});
