// `node --import tsx bench/probes/inspection-cost.ts`: the delivery process's CPU per inspected
// attempt, in process — masking and capping a webhook attempt's request and response
// (AttemptCapture.masked) and queuing its record line (InspectionStore.record, never flushed here).
import { performance } from 'node:perf_hooks';
import { randomBytes } from 'node:crypto';
import { AttemptCapture, InspectionStore, secretsOf } from '@herald/delivery';
import { createDeliveryJob, sampleEvent, toQuayPayload } from '@herald/events';
import { ensureStack } from '@herald/infra';
import { quayJson } from '@herald/json-template';
import { connectDb, createMongoClient } from '@herald/mongo';

const N = 20_000;
const stack = await ensureStack();
const mongo = createMongoClient({ url: stack.mongoUrl });
const db = await connectDb(mongo, `herald_probe_inspection_${randomBytes(3).toString('hex')}`);
const store = new InspectionStore(db, { flushIntervalMs: 3_600_000, maxBuffered: N * 10 });
const doc = { config: { url: 'https://user:pw@ci.example.com/hooks/registry?token=abc123' }, signing_secret: `whsec_${randomBytes(32).toString('base64')}`, previous_signing_secret: undefined };
const event = sampleEvent('repo_push', { repository: 'acme/web', body: { updated_tags: ['latest', 'v1.2.3'] } });
const job = createDeliveryJob({ event, notificationUuid: '5d2c7b9e-0a41-4e3a-9f10-8c2f6a1e4b7d', method: 'webhook', test: false });
const body = quayJson(toQuayPayload(event));
const jobValue = randomBytes(420);
const limits = { requestBodyBytes: 16 * 1024, responseBodyBytes: 4 * 1024 };
const signature = `v1,${randomBytes(32).toString('base64')}`;

function once(): void {
  const c = new AttemptCapture(job, jobValue, limits, null);
  const headers = { 'content-type': 'application/json', 'user-agent': 'Herald/1.0', 'webhook-id': job.delivery_id, 'webhook-timestamp': '1764800000', 'webhook-signature': signature };
  c.request('POST', doc.config.url, headers, body);
  c.response({ statusCode: 200, headers: { 'content-type': 'text/plain', date: 'Thu, 03 Dec 2026 21:00:00 GMT', 'content-length': '2' }, body: Buffer.from('ok'), bodyBytes: 2 });
  const { request, response } = c.masked(secretsOf(doc));
  store.record({ notification_uuid: job.notification_uuid, delivery_id: job.delivery_id, attempt: 1, time: new Date(), outcome: 'success', duration_ms: 3, status_code: 200, error_class: null, error: null, kind: job.kind, test: false, request, response, resent_from: null }, jobValue);
}

for (let i = 0; i < 2_000; i++) once();
const cpu0 = process.cpuUsage();
const t0 = performance.now();
for (let i = 0; i < N; i++) once();
const wall = performance.now() - t0;
const cpu = process.cpuUsage(cpu0);
const usPerAttempt = ((cpu.user + cpu.system) / N).toFixed(1);
console.log(`[probe:inspection-cost] ${N} attempts: ${usPerAttempt} µs CPU, ${((wall * 1000) / N).toFixed(1)} µs wall per attempt (body ${body.length} bytes)`);
console.log(JSON.stringify({ probe: 'inspection-cost', attempts: N, cpu_us_per_attempt: Number(usPerAttempt), wall_us_per_attempt: Number(((wall * 1000) / N).toFixed(1)), body_bytes: body.length }));
await db.dropDatabase();
await mongo.close();
process.exit(0);
