import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { bucketText, DELIVERY_INSPECTIONS_COLLECTION, InspectionStore } from '@herald/delivery';
import { ObjectId } from '@herald/mongo';
import { eventually } from '../helpers/wait.js';
import { adminToken } from '../helpers/tokens.js';
import { DeliveryOpsFixture } from './delivery-ops-fixture.js';

// Issue 18, attempt inspection: what the receiver saw is what is stored (URL and secret headers
// masked, bodies capped), the answer is captured, and no secret reaches MongoDB.
const ops = new DeliveryOpsFixture();

before(() => ops.setup({ DELIVERY_RETRY_DELAYS_MS: '600000', DELIVERY_FAILURE_THRESHOLD: '100' }));
after(() => ops.teardown());

interface Inspected {
  attempt_id: string;
  delivery_id: string;
  attempt: number;
  outcome: string;
  status_code: number | null;
  duration_ms: number;
  request: { method: string; url: string; headers: Record<string, string>; body?: string; body_bytes: number; body_truncated: boolean } | null;
  response: { status: number; headers: Record<string, string>; body?: string; body_bytes: number; body_truncated: boolean } | null;
}

async function inspected(n: Parameters<DeliveryOpsFixture['call']>[0], count: number): Promise<Inspected[]> {
  return eventually(async () => {
    const r = await ops.call<{ attempts: Inspected[] }>(n, 'GET', '/deliveries');
    assert.equal(r.status, 200);
    assert.equal(r.body.attempts.length, count);
    return r.body.attempts;
  }, 20_000);
}

test('the stored request is what the receiver saw, with the URL credentials, query values and secret headers masked; the answer is captured', async () => {
  const big = 'x'.repeat(5_000);
  const rx = await ops.receiver(() => ({ status: 200, headers: { 'x-request-id': 'req-42', 'set-cookie': 'session=cookie-secret-99' }, body: big }));
  const password = 'pw-Secret-771';
  const query = 'qs-Secret-552';
  const n = await ops.notify({ url: `http://hookuser:${password}@127.0.0.1:${rx.port}/hook?token=${query}&x=1` });
  const job = ops.fx.job(n, { updated_tags: ['v1', 'ünïcode'] });
  await ops.fx.publish([job]);
  const [seen] = await rx.waitFor(1);
  const [summary] = await inspected(n, 1);
  assert.equal(summary?.delivery_id, job.delivery_id);
  assert.equal(summary?.request?.body, undefined, 'the list leaves bodies out');

  const detail = await ops.call<Inspected>(n, 'GET', `/attempts/${summary!.attempt_id}`);
  assert.equal(detail.status, 200);
  const a = detail.body;
  assert.deepEqual([a.attempt, a.outcome, a.status_code], [1, 'success', 200]);
  const req = a.request!;
  assert.equal(req.method, 'POST');
  assert.equal(req.url, `http://****:****@127.0.0.1:${rx.port}/hook?token=****&x=****`);
  assert.equal(req.body, seen!.body, 'the body sent is the body received');
  assert.equal(req.body_bytes, Buffer.byteLength(seen!.body));
  assert.equal(req.body_truncated, false);
  for (const h of ['webhook-id', 'webhook-timestamp', 'webhook-signature', 'content-type', 'user-agent']) {
    assert.equal(req.headers[h], seen!.headers[h], `request header ${h} as received`);
  }
  assert.equal(req.headers['webhook-id'], job.delivery_id);
  assert.ok(seen!.headers['authorization']?.startsWith('Basic '), 'the receiver got the URL credentials as Basic authorization');
  const res = a.response!;
  assert.equal(res.status, 200);
  assert.equal(res.headers['x-request-id'], 'req-42');
  assert.equal(res.headers['set-cookie'], '****');
  assert.equal(res.body, big.slice(0, 4096), 'the response body up to 4 KiB');
  assert.deepEqual([res.body_bytes, res.body_truncated], [5_000, true]);

  // Nothing secret in the stored documents: the signing secret, the URL password (also as sent in
  // Basic authorization), the query value, the response cookie.
  // The buckets' lines are compressed: the scan covers the documents and their decompressed text.
  const docs = await ops.svc.db.db.collection<Parameters<typeof bucketText>[0]>(DELIVERY_INSPECTIONS_COLLECTION).find({ notification_uuid: n.uuid }).toArray();
  const text = (await Promise.all(docs.map((d) => bucketText(d)))).join('\n');
  assert.ok(docs.length > 0 && docs.every((d) => d.z !== undefined && d.lines === undefined), 'buckets stored compressed');
  assert.ok(text.includes(job.delivery_id) && text.includes('webhook-signature'), 'the decompressed text is the record');
  const raw = `${JSON.stringify(docs)}\n${text}`;
  for (const secret of [n.signing_secret!, n.signing_secret!.slice('whsec_'.length), password, query, Buffer.from(`hookuser:${password}`).toString('base64'), 'cookie-secret-99']) {
    assert.ok(!raw.includes(secret), `the stored record holds no ${secret.slice(0, 6)}…`);
  }
});

test('a body beyond INSPECTION_BODY_BYTES (16 KiB) is stored up to the cap and flagged; a failed attempt keeps its status and answer', async () => {
  let calls = 0;
  const rx = await ops.receiver(() => (++calls === 1 ? { status: 503, headers: { 'retry-after': '1' }, body: 'down for maintenance' } : { status: 200 }));
  const template = JSON.stringify({ text: `${'y'.repeat(20_000)} \${repository}` });
  const n = await ops.notify({ url: `${rx.url}/big`, template });
  await ops.fx.publish([ops.fx.job(n)]);
  const [seen] = await rx.waitFor(1);
  const [summary] = await inspected(n, 1);
  const a = (await ops.call<Inspected>(n, 'GET', `/attempts/${summary!.attempt_id}`)).body;
  assert.deepEqual([a.outcome, a.status_code], ['retry', 503]);
  assert.ok(seen!.body.length > 20_000);
  assert.equal(a.request?.body, seen!.body.slice(0, 16 * 1024), 'the first 16 KiB of what was received');
  assert.deepEqual([a.request?.body_bytes, a.request?.body_truncated], [Buffer.byteLength(seen!.body), true]);
  assert.deepEqual([a.response?.status, a.response?.body, a.response?.body_truncated, a.response?.headers['retry-after']], [503, 'down for maintenance', false, '1']);
});

test('unknown attempt ids are 404; other repositories’ admins get 403', async () => {
  const rx = await ops.receiver();
  const n = await ops.notify({ url: `${rx.url}/h` });
  assert.equal((await ops.call(n, 'GET', '/attempts/0123456789abcdef01234567')).status, 404);
  assert.equal((await ops.call(n, 'GET', '/attempts/not-an-id')).status, 404);
  const stranger = await adminToken('someone/else');
  assert.equal((await ops.call(n, 'GET', '/deliveries', stranger)).status, 403);
  assert.equal((await ops.call(n, 'GET', '/attempts/0123456789abcdef01234567', stranger)).status, 403);
});

test('records older than the retention are purged (explicitly: FerretDB v1 has no TTL indexes)', async () => {
  const store = new InspectionStore(ops.svc.db.db, { retentionMs: 3_600_000 });
  const uuid = randomUUID();
  const base = { notification_uuid: uuid, attempt: 1, outcome: 'success' as const, duration_ms: 3, status_code: 200, error_class: null, error: null, kind: 'repo_push', test: false, request: null, response: null, resent_from: null };
  // Records are written in buckets per notification and flush; a bucket goes when its newest record is past the retention.
  store.record({ ...base, delivery_id: 'old', time: new Date(Date.now() - 2 * 3_600_000) }, Buffer.from('job'));
  await store.flush();
  store.record({ ...base, delivery_id: 'new', time: new Date() }, Buffer.from('job'));
  await store.flush();
  assert.deepEqual((await store.list(uuid)).map((a) => a.delivery_id), ['new', 'old']);
  assert.equal(await store.purge(), 1);
  assert.deepEqual((await store.list(uuid)).map((a) => a.delivery_id), ['new']);
  assert.equal((await store.job(uuid, 'old')), undefined, 'a purged delivery cannot be resent');
  assert.deepEqual((await store.job(uuid, 'new'))?.value, Buffer.from('job'));

  // Buckets written before compression (plain `lines`) are still read.
  const [stored] = await store.col.find({ notification_uuid: uuid }).toArray();
  const legacy = randomUUID();
  await store.col.insertOne({ _id: new ObjectId(), notification_uuid: legacy, first: stored!.first, last: stored!.last, n: stored!.n, lines: await bucketText(stored!) });
  assert.deepEqual((await store.list(legacy)).map((a) => [a.delivery_id, a.status_code]), [['new', 200]]);
  assert.deepEqual((await store.job(legacy, 'new'))?.value, Buffer.from('job'));
});
