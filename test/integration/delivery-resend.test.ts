import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { eventually } from '../helpers/wait.js';
import { adminToken } from '../helpers/tokens.js';
import { DeliveryOpsFixture } from './delivery-ops-fixture.js';

// Issue 18, resend one delivery: a new attempt of that exact job with the same `webhook-id`,
// after a success and after a dead letter; an unknown delivery is a 404 naming it; only the
// repository's admins may.
const ops = new DeliveryOpsFixture();

before(() => ops.setup({ DELIVERY_RETRY_DELAYS_MS: '600000', DELIVERY_FAILURE_THRESHOLD: '100' }));
after(() => ops.teardown());

interface Attempt {
  attempt_id: string;
  delivery_id: string;
  attempt: number;
  outcome: string;
  resent_from: string | null;
}

interface AuditEntry {
  action: string;
  notification_uuid?: string;
  outcome: string;
  status?: number;
  detail?: Record<string, unknown>;
}

/** The repository's audit entries for `n`'s resends, newest first. */
async function resendsAudited(n: Parameters<DeliveryOpsFixture['call']>[0]): Promise<AuditEntry[]> {
  const r = await ops.api.request<{ entries: AuditEntry[] }>('GET', `/api/v1/repository/${n.repository}/audit?limit=200`, { token: await adminToken(n.repository) });
  assert.equal(r.status, 200);
  return r.body.entries.filter((e) => e.action === 'resend' && e.notification_uuid === n.uuid);
}

const attemptsOf = (n: Parameters<DeliveryOpsFixture['call']>[0], count: number) =>
  eventually(async () => {
    const r = await ops.call<{ attempts: Attempt[] }>(n, 'GET', '/deliveries');
    assert.equal(r.body.attempts.length, count, JSON.stringify(r.body));
    return r.body.attempts;
  }, 20_000);

test('resend after a success: the receiver gets the same job again with the same webhook-id', async () => {
  const rx = await ops.receiver(() => ({ status: 200 }));
  const n = await ops.notify({ url: `${rx.url}/ok` });
  const job = ops.fx.job(n, { updated_tags: ['resend-me'] });
  await ops.fx.publish([job]);
  const [first] = await rx.waitFor(1);
  const [done] = await attemptsOf(n, 1);
  const r = await ops.call<{ delivery_id: string; resent_from: string; attempt: number }>(n, 'POST', `/deliveries/${job.delivery_id}/resend`);
  assert.equal(r.status, 202);
  assert.deepEqual(r.body, { delivery_id: job.delivery_id, resent_from: done!.attempt_id, attempt: 2 });
  const seen = await rx.waitFor(2);
  assert.equal(seen[1]?.headers['webhook-id'], job.delivery_id, 'the same webhook-id');
  assert.equal(seen[1]?.body, first?.body, 'the same job');
  const log = await attemptsOf(n, 2);
  assert.deepEqual([log[0]?.attempt, log[0]?.outcome, log[0]?.resent_from], [2, 'success', done!.attempt_id]);
  assert.equal(rx.seen.length, 2);
  const audited = await resendsAudited(n);
  assert.deepEqual(
    audited.map((e) => [e.outcome, e.detail]),
    [['succeeded', { delivery_id: job.delivery_id, attempt: 2 }]],
    'the resend is in the audit log, once',
  );
});

test('resend after a dead letter: attempted again (now answered), same webhook-id', async () => {
  let fail = true;
  const rx = await ops.receiver(() => (fail ? { status: 400, body: 'bad' } : { status: 200 }));
  const n = await ops.notify({ url: `${rx.url}/dead` });
  const job = ops.fx.job(n);
  await ops.fx.publish([job]);
  await rx.waitFor(1);
  const [dead] = await attemptsOf(n, 1);
  assert.equal(dead?.outcome, 'dead_letter');
  fail = false;
  const r = await ops.call(n, 'POST', `/deliveries/${job.delivery_id}/resend`);
  assert.equal(r.status, 202);
  const seen = await rx.waitFor(2);
  assert.equal(seen[1]?.headers['webhook-id'], job.delivery_id);
  const log = await attemptsOf(n, 2);
  assert.deepEqual([log[0]?.attempt, log[0]?.outcome], [2, 'success']);
});

test('an unknown delivery is 404 naming it; a delivery of another notification is not resent through this one', async () => {
  const rx = await ops.receiver();
  const n = await ops.notify({ url: `${rx.url}/a` });
  const other = await ops.notify({ url: `${rx.url}/b` });
  const job = ops.fx.job(other);
  await ops.fx.publish([job]);
  await rx.waitFor(1);
  await attemptsOf(other, 1);
  const r = await ops.call<{ message?: string; detail?: string }>(n, 'POST', '/deliveries/no-such-delivery/resend');
  assert.equal(r.status, 404);
  assert.match(JSON.stringify(r.body), /no-such-delivery/);
  assert.equal((await ops.call(n, 'POST', `/deliveries/${job.delivery_id}/resend`)).status, 404);
  assert.equal(rx.seen.length, 1, 'nothing resent');
  const audited = await resendsAudited(n);
  assert.deepEqual(audited.map((e) => [e.outcome, e.status]), [['failed', 404], ['failed', 404]], 'both refused resends are audited as failed');
});

test('only the repository’s admins may resend', async () => {
  const rx = await ops.receiver();
  const n = await ops.notify({ url: `${rx.url}/authz` });
  const job = ops.fx.job(n);
  await ops.fx.publish([job]);
  await rx.waitFor(1);
  await attemptsOf(n, 1);
  assert.equal((await ops.call(n, 'POST', `/deliveries/${job.delivery_id}/resend`, await adminToken('other/repo'))).status, 403);
  const none = await ops.api.request('POST', `/api/v1/repository/${n.repository}/notification/${n.uuid}/deliveries/${job.delivery_id}/resend`);
  assert.equal(none.status, 401);
  assert.equal((await ops.call(n, 'GET', `/deliveries/${job.delivery_id}/resend`)).status, 405);
  await new Promise((r) => setTimeout(r, 500));
  assert.equal(rx.seen.length, 1, 'nothing resent');
});
