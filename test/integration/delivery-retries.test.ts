import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { redriveDeadLetters } from '@herald/delivery';
import { DELIVERY_RESULT_SCHEMA, type DeliveryResult } from '@herald/events';
import { HEADERS, TOPICS } from '@herald/kafka';
import { InAppStore } from '@herald/store';
import type { NotificationDoc } from '@herald/subscriptions';
import { eventually } from '../helpers/wait.js';
import { sleep, startReceiver, WebhookFixture, type Instance, type Receiver } from './webhook-fixture.js';
import { header, TailReader } from '../support/job-reader.js';

// SPEC §4: retries on the schedule, dead-letter, Retry-After, timeouts, 410, failure accounting and
// auto-disable with the in-app alert, deleted notifications, the attempt log and re-drive.
const DELAYS = [300, 600, 1500];
const fx = new WebhookFixture();
const uuids = new Set<string>();
let svc: Instance;
let dlq: TailReader;
let alerts: TailReader;
let emailAlerts: TailReader;
let results: TailReader<DeliveryResult>;
let rawDlq: TailReader<Buffer | null>;

before(async () => {
  await fx.setup();
  dlq = new TailReader(fx.kafka, fx.codec, [TOPICS.dlq('webhook')], (k) => uuids.has(k));
  alerts = new TailReader(fx.kafka, fx.codec, [TOPICS.jobs('quay_notification')], (k) => uuids.has(k));
  emailAlerts = new TailReader(fx.kafka, fx.codec, [TOPICS.jobs('email')], (k) => uuids.has(k));
  results = new TailReader(fx.kafka, fx.codec, [TOPICS.deliveryResults], (k) => uuids.has(k), (c, v) => c.decode(v, DELIVERY_RESULT_SCHEMA));
  rawDlq = new TailReader(fx.kafka, fx.codec, [TOPICS.dlq('webhook')], (k) => uuids.has(k), async (_c, v) => v);
  await Promise.all([dlq.start(), alerts.start(), emailAlerts.start(), results.start(), rawDlq.start()]);
  svc = await fx.instance({
    WEBHOOK_ALLOW_LIST: '127.0.0.1',
    DELIVERY_RETRY_DELAYS_MS: DELAYS.join(','),
    DELIVERY_ATTEMPT_TIMEOUT_MS: '1000',
    DELIVERY_FAILURE_THRESHOLD: '3',
  });
});

after(async () => {
  await Promise.all([dlq?.stop(), alerts?.stop(), emailAlerts?.stop(), results?.stop(), rawDlq?.stop()]);
  await fx.teardown();
});

async function hook(rx: Receiver, createdBy = 'alice'): Promise<NotificationDoc> {
  fx.onTeardown(rx.close);
  const n = await fx.notify(svc, { url: `${rx.url}/hook` }, { createdBy });
  uuids.add(n.uuid);
  return n;
}

const outcomes = async (uuid: string, count: number) =>
  eventually(async () => {
    const log = (await svc.attempts.list(uuid, { limit: 100 })).reverse();
    assert.equal(log.length, count, `attempt log of ${uuid}: ${JSON.stringify(log.map((l) => l.outcome))}`);
    return log;
  }, 20_000);

const deadLetters = (uuid: string, count = 1) =>
  eventually(() => {
    const m = dlq.of(uuid);
    assert.equal(m.length, count);
    return m;
  }, 20_000);

test('500: retried on the schedule, dead-lettered after the last retry; re-drive delivers it once', async () => {
  const rx = await startReceiver(() => ({ status: 500 }));
  const n = await hook(rx);
  const job = fx.job(n);
  await fx.publish([job]);
  const reqs = await rx.waitFor(4);
  const gaps = reqs.slice(1).map((r, i) => r.at - (reqs[i]?.at ?? 0));
  console.log(JSON.stringify({ test: 'retry-schedule', delaysMs: DELAYS, gapsMs: gaps }));
  gaps.forEach((g, i) => assert.ok(g >= (DELAYS[i] ?? 0) - 5 && g < (DELAYS[i] ?? 0) + 2_000, `gap ${i}: ${g} ms for a ${DELAYS[i]} ms delay`));
  assert.ok(reqs.every((r) => r.headers['webhook-id'] === job.delivery_id), 'the delivery id is stable across attempts');
  const [dead] = await deadLetters(n.uuid);
  assert.equal(header(dead!.headers, HEADERS.dlqReason), 'retries_exhausted');
  assert.equal(header(dead!.headers, HEADERS.attempt), '4');
  assert.match(header(dead!.headers, HEADERS.dlqError) ?? '', /500/);
  assert.equal(dead!.value.delivery_id, job.delivery_id);
  const log = await outcomes(n.uuid, 4);
  assert.deepEqual(log.map((l) => [l.attempt, l.outcome, l.status_code]), [[1, 'retry', 500], [2, 'retry', 500], [3, 'retry', 500], [4, 'dead_letter', 500]]);
  await eventually(() => assert.deepEqual(results.of(n.uuid).map((r) => r.value.outcome), ['retry', 'retry', 'retry', 'dead_letter']));
  await sleep(DELAYS[2]! + 500);
  assert.equal(rx.requests.length, 4, 'no attempt after the dead letter');
  assert.equal((await svc.store.get(n.uuid))?.number_of_failures, 1, 'one failed delivery counted');

  // Re-drive: the endpoint is fixed; the dead-lettered job goes out again, with the same id, once.
  rx.respond(() => ({ status: 200 }));
  const first = await redriveDeadLetters({ kafka: fx.kafka, codec: fx.codec, db: svc.db.db, method: 'webhook', notificationUuid: n.uuid });
  assert.deepEqual({ found: first.found, redriven: first.redriven, alreadyRedriven: first.alreadyRedriven }, { found: 1, redriven: 1, alreadyRedriven: 0 });
  assert.deepEqual(first.deliveryIds, [job.delivery_id]);
  const again = await rx.waitFor(5);
  assert.equal(again[4]?.headers['webhook-id'], job.delivery_id);
  const second = await redriveDeadLetters({ kafka: fx.kafka, codec: fx.codec, db: svc.db.db, method: 'webhook', notificationUuid: n.uuid });
  assert.deepEqual({ redriven: second.redriven, alreadyRedriven: second.alreadyRedriven }, { redriven: 0, alreadyRedriven: 1 });
  const after = await outcomes(n.uuid, 5);
  assert.deepEqual([after[4]?.attempt, after[4]?.outcome], [1, 'success']);
  await eventually(async () => assert.equal((await svc.store.get(n.uuid))?.number_of_failures, 0, 'the success reset the count'));
  await sleep(500);
  assert.equal(rx.requests.length, 5);
});

test('400: dead-lettered at once, no retry', async () => {
  const rx = await startReceiver(() => ({ status: 400 }));
  const n = await hook(rx);
  await fx.publish([fx.job(n)]);
  const [dead] = await deadLetters(n.uuid);
  assert.equal(header(dead!.headers, HEADERS.dlqReason), 'permanent_failure');
  const log = await outcomes(n.uuid, 1);
  assert.deepEqual([log[0]?.outcome, log[0]?.status_code, log[0]?.error_class], ['dead_letter', 400, 'http_4xx']);
  await sleep(DELAYS[0]! + 400);
  assert.equal(rx.requests.length, 1);
});

test('a dead-lettered delivery processed again (as after a crash before its commit) counts as one failure', async () => {
  const rx = await startReceiver(() => ({ status: 400 }));
  const n = await hook(rx);
  const job = fx.job(n);
  // The same job twice: what a consumer sees when it died after counting the failure but before
  // committing the offset. Then a different delivery: the second failure.
  await fx.publish([job, job]);
  await deadLetters(n.uuid, 2);
  await outcomes(n.uuid, 2);
  assert.equal((await svc.store.get(n.uuid))?.number_of_failures, 1, 'the re-processed delivery was not counted again');
  await fx.publish([fx.job(n)]);
  await deadLetters(n.uuid, 3);
  await eventually(async () => assert.equal((await svc.store.get(n.uuid))?.number_of_failures, 2), 10_000);
  assert.equal((await svc.store.get(n.uuid))?.disabled, false);
});

test('429 with Retry-After: the next attempt waits at least that long', async () => {
  const rx = await startReceiver((_, i) => (i === 1 ? { status: 429, headers: { 'retry-after': '1' } } : { status: 200 }));
  const n = await hook(rx);
  await fx.publish([fx.job(n)]);
  const reqs = await rx.waitFor(2);
  const gap = (reqs[1]?.at ?? 0) - (reqs[0]?.at ?? 0);
  console.log(JSON.stringify({ test: 'retry-after', retryAfterMs: 1000, gapMs: gap }));
  assert.ok(gap >= 1000, `second attempt after ${gap} ms`);
  const log = await outcomes(n.uuid, 2);
  assert.deepEqual(log.map((l) => [l.outcome, l.status_code]), [['retry', 429], ['success', 200]]);
});

test('a hanging receiver: the attempt times out and is retried', async () => {
  const rx = await startReceiver((_, i) => (i === 1 ? { status: 200, hang: true } : { status: 200 }));
  const n = await hook(rx);
  await fx.publish([fx.job(n)]);
  const reqs = await rx.waitFor(2, 20_000);
  const gap = (reqs[1]?.at ?? 0) - (reqs[0]?.at ?? 0);
  assert.ok(gap >= 1000 + DELAYS[0]! - 5, `retried ${gap} ms later (timeout 1000 + delay ${DELAYS[0]})`);
  const log = await outcomes(n.uuid, 2);
  assert.deepEqual(log.map((l) => [l.outcome, l.error_class]), [['retry', 'timeout'], ['success', null]]);
  assert.ok((log[0]?.duration_ms ?? 0) >= 950 && (log[0]?.duration_ms ?? 0) < 3000, `timed out after ${log[0]?.duration_ms} ms`);
});

test('410 Gone disables the notification at once, with an in-app alert; later jobs are dropped', async () => {
  const rx = await startReceiver(() => ({ status: 410 }));
  const n = await hook(rx, 'carol');
  await fx.publish([fx.job(n)]);
  await deadLetters(n.uuid);
  const doc = await eventually(async () => {
    const d = await svc.store.get(n.uuid);
    assert.equal(d?.disabled, true);
    return d!;
  });
  assert.match(doc.disabled_reason ?? '', /410/);
  const [alert] = await eventually(() => {
    const a = alerts.of(n.uuid);
    assert.equal(a.length, 1);
    return a;
  });
  assert.equal(alert!.value.alert?.kind, 'notification_disabled');
  assert.deepEqual(alert!.value.alert?.targets, [{ kind: 'user', name: 'carol' }, { kind: 'org', name: n.repository.split('/')[0] }]);
  // …and by e-mail where configured (on by default): a job for the e-mail service, no in-app targets.
  const [mail] = await eventually(() => {
    const m = emailAlerts.of(n.uuid);
    assert.equal(m.length, 1);
    return m;
  });
  assert.deepEqual([mail!.value.method, mail!.value.alert?.kind, mail!.value.alert?.targets], ['email', 'notification_disabled', []]);
  assert.equal(mail!.value.alert?.data, alert!.value.alert?.data);
  assert.notEqual(mail!.value.delivery_id, alert!.value.delivery_id);
  await fx.publish([fx.job(n)]);
  await eventually(() => assert.ok(results.of(n.uuid).some((r) => r.value.outcome === 'dropped'), 'no dropped result yet'));
  assert.equal(rx.requests.length, 1, 'the job after the disable was not attempted');
});

test('three consecutive failed deliveries disable; a success resets the count; reset re-enables and deliveries resume', async () => {
  let status = 400;
  const rx = await startReceiver(() => ({ status }));
  const n = await hook(rx, 'dave');
  const deliverOne = async (expectAttempts: number) => {
    await fx.publish([fx.job(n)]);
    await outcomes(n.uuid, expectAttempts);
  };
  await deliverOne(1);
  await deliverOne(2);
  status = 200;
  await deliverOne(3);
  await eventually(async () => assert.equal((await svc.store.get(n.uuid))?.number_of_failures, 0));
  status = 400;
  await deliverOne(4);
  await deliverOne(5);
  assert.equal((await svc.store.get(n.uuid))?.disabled, false, 'two consecutive failures after the success: still enabled');
  await deliverOne(6);
  const disabled = await eventually(async () => {
    const d = await svc.store.get(n.uuid);
    assert.equal(d?.disabled, true);
    return d!;
  });
  assert.equal(disabled.number_of_failures, 3);
  assert.match(disabled.disabled_reason ?? '', /3 consecutive failed deliveries/);

  // The in-app alert went through the pipeline (notifications.quay_notification) to the creator and
  // the namespace's admins; stored as the in-app service will store it, both see it.
  const [alert] = await eventually(() => {
    const a = alerts.of(n.uuid);
    assert.equal(a.length, 1);
    return a;
  });
  const a = alert!.value.alert!;
  const namespace = n.repository.split('/')[0]!;
  assert.deepEqual(a.targets, [{ kind: 'user', name: 'dave' }, { kind: 'org', name: namespace }]);
  const data = JSON.parse(a.data) as Record<string, unknown>;
  assert.equal(data['notification_uuid'], n.uuid);
  assert.equal(data['number_of_failures'], 3);
  const inapp = new InAppStore(svc.db.db);
  await inapp.ensureIndexes();
  for (const target of a.targets) {
    await inapp.insertInApp({ target: target as { kind: 'user' | 'org'; name: string }, kind: a.kind, repository: n.repository, data, delivery_id: alert!.value.delivery_id, notification_uuid: n.uuid });
  }
  const forCreator = await inapp.listFor({ user: 'dave', teams: [], orgs: [] }, 1, 10);
  const forAdmin = await inapp.listFor({ user: 'erin', teams: [], orgs: [namespace] }, 1, 10);
  assert.equal(forCreator.notifications[0]?.kind, 'notification_disabled');
  assert.equal(forAdmin.notifications[0]?.kind, 'notification_disabled');

  // Disabled: the next job is dropped without an attempt.
  const before = rx.requests.length;
  await fx.publish([fx.job(n)]);
  const dropped = await outcomes(n.uuid, 7);
  assert.equal(dropped[6]?.outcome, 'dropped');
  assert.equal(rx.requests.length, before);

  // Reset (what POST …/notification/{uuid} does): re-enabled, deliveries resume.
  status = 200;
  const reset = await svc.store.reset(n.uuid);
  await fx.feed.upsert(reset!);
  await fx.publish([fx.job(n)]);
  await rx.waitFor(before + 1);
  const resumed = await outcomes(n.uuid, 8);
  assert.equal(resumed[7]?.outcome, 'success');
});

test('a job waiting in a retry topic is dropped when its notification is deleted meanwhile', async () => {
  // Retry-After keeps the job waiting long enough (1.5 s level) for the delete to reach the service.
  const rx = await startReceiver(() => ({ status: 503, headers: { 'retry-after': '1' } }));
  const n = await hook(rx);
  await fx.publish([fx.job(n)]);
  await rx.waitFor(1);
  const deleted = await svc.store.delete(n.uuid);
  await fx.feed.remove(deleted!);
  await eventually(() => assert.deepEqual(results.of(n.uuid).map((r) => r.value.outcome), ['retry', 'dropped']), 10_000);
  await sleep(DELAYS[2]! + 300);
  assert.equal(rx.requests.length, 1);
});

test('an undecodable job is set aside on the dead-letter topic with the reason, and delivery goes on', async () => {
  const rx = await startReceiver();
  const n = await hook(rx);
  const garbage = Buffer.from('definitely not avro');
  await fx.publishRaw(n.uuid, garbage);
  await fx.publish([fx.job(n)]);
  await rx.waitFor(1);
  const [m] = await eventually(() => {
    const found = rawDlq.of(n.uuid);
    assert.equal(found.length, 1);
    return found;
  });
  assert.deepEqual(m!.value, garbage, 'kept byte for byte');
  assert.equal(header(m!.headers, HEADERS.dlqReason), 'undecodable');
  assert.match(header(m!.headers, HEADERS.dlqError) ?? '', /DECODE_NOT_AVRO/);
});
