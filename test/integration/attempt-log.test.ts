import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { AttemptLog, DELIVERY_ATTEMPTS_COLLECTION, type AttemptRecord } from '@herald/delivery';
import { openTestDb, type TestDb } from '../helpers/mongo.js';

let t: TestDb;
before(async () => {
  t = await openTestDb('attempt_log');
});
after(() => t.drop());

const T0 = Date.UTC(2026, 10, 1);

function entry(uuid: string, i: number, over: Partial<AttemptRecord> = {}): AttemptRecord {
  return {
    notification_uuid: uuid,
    delivery_id: `d-${i}`,
    attempt: 1,
    time: new Date(T0 + i * 1000),
    outcome: i % 3 === 0 ? 'retry' : 'success',
    status_code: i % 3 === 0 ? 503 : 200,
    error: i % 3 === 0 ? 'HTTP 503: down' : null,
    error_class: i % 3 === 0 ? 'http_5xx' : null,
    duration_ms: i,
    kind: 'repo_push',
    test: i === 7,
    ...over,
  };
}

test('entries come back as recorded, newest first, page by page, per notification', async () => {
  const log = new AttemptLog(t.db, { flushIntervalMs: 60_000 });
  await log.ensureIndexes();
  const [a, b] = [randomUUID(), randomUUID()];
  // Three flushes, so a notification's entries span several buckets.
  for (let round = 0; round < 3; round++) {
    for (let i = round * 10; i < round * 10 + 10; i++) {
      log.record(entry(a, i));
      if (i % 2 === 0) log.record(entry(b, i));
    }
    await log.flush();
  }
  assert.equal(await t.db.collection(DELIVERY_ATTEMPTS_COLLECTION).countDocuments({ notification_uuid: a }), 3, 'one bucket per notification and flush');

  const first = await log.list(a, { limit: 12 });
  assert.deepEqual(first.map((e) => e.delivery_id), Array.from({ length: 12 }, (_, k) => `d-${29 - k}`));
  assert.deepEqual(first[2], entry(a, 27), 'every field round-trips');
  assert.deepEqual((await log.list(a)).find((e) => e.delivery_id === 'd-7'), entry(a, 7), 'test flag and nulls round-trip');
  const next = await log.list(a, { limit: 12, before: first.at(-1)?.time });
  assert.deepEqual(next.map((e) => e.delivery_id), Array.from({ length: 12 }, (_, k) => `d-${17 - k}`));
  assert.equal((await log.list(b, { limit: 500 })).length, 15);
  assert.deepEqual(await log.list(randomUUID()), []);
});

test('pruning keeps at least the newest N entries per notification and drops what is too old', async () => {
  const log = new AttemptLog(t.db, { flushIntervalMs: 60_000, maxPerNotification: 15, maxAgeMs: 3600_000 });
  const [busy, old] = [randomUUID(), randomUUID()];
  for (let round = 0; round < 4; round++) {
    for (let i = round * 10; i < round * 10 + 10; i++) log.record(entry(busy, i, { time: new Date(Date.now() - 60_000 + i * 100) }));
    await log.flush();
  }
  log.record(entry(old, 1, { time: new Date(Date.now() - 2 * 3600_000) }));
  await log.flush();
  const deleted = await log.prune();
  // Also the first test's six buckets: their entries are from 2026-11-01, older than an hour.
  assert.equal(deleted, 2 + 1 + 6, 'two buckets of the busy notification beyond its newest 15 entries, the old one, and the earlier test\'s');
  const kept = await log.list(busy, { limit: 500 });
  assert.equal(kept.length, 20, 'whole buckets are kept: at least 15 entries');
  assert.equal(kept[0]?.delivery_id, 'd-39');
  assert.deepEqual(await log.list(old), []);
  assert.equal(await log.prune(), 0, 'nothing left to prune');
});

test('fields with tabs, line breaks and backslashes round-trip; an empty error stays empty', async () => {
  const log = new AttemptLog(t.db, { flushIntervalMs: 60_000 });
  const uuid = randomUUID();
  const odd = entry(uuid, 1, {
    delivery_id: 'id\twith\ttabs\\and\\backslashes',
    outcome: 'dead_letter',
    error: 'line one\nline two\r\n\ttabbed \\n literal backslash-n',
    error_class: 'http_4xx',
    status_code: 400,
  });
  const empty = entry(uuid, 2, { outcome: 'dropped', error: '', error_class: 'disabled', status_code: null, kind: null });
  log.record(odd);
  log.record(empty);
  await log.flush();
  const back = await log.list(uuid);
  assert.deepEqual(back, [empty, odd]);
});

test('buckets of the older JSON layout are still read, beside new ones; a damaged bucket or line hides only itself', async () => {
  const log = new AttemptLog(t.db, { flushIntervalMs: 60_000 });
  const uuid = randomUUID();
  const col = t.db.collection(DELIVERY_ATTEMPTS_COLLECTION);
  const old = entry(uuid, 10, { outcome: 'retry', status_code: 503, error: 'HTTP 503: down', error_class: 'http_5xx', test: true });
  await col.insertMany([
    {
      notification_uuid: uuid,
      first: old.time,
      last: old.time,
      n: 1,
      packed: JSON.stringify([{ d: old.delivery_id, a: old.attempt, t: old.time.getTime(), o: old.outcome, ms: old.duration_ms, s: 503, e: old.error, c: old.error_class, k: old.kind, x: true }]),
    },
    { notification_uuid: uuid, first: old.time, last: old.time, n: 1, packed: '[{"d": broken' },
    { notification_uuid: uuid, first: old.time, last: old.time, n: 2, lines: 'too\tfew\tfields\nd-x\t1\tzz\t?\t1\t\t\t\t' },
  ]);
  const fresh = entry(uuid, 11);
  log.record(fresh);
  await log.flush();
  assert.deepEqual(await log.list(uuid), [fresh, old]);
});
